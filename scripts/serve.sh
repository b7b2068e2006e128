#!/usr/bin/env bash
# make serve: migrate the database, then run gunicorn and, when TENDERSCORE_REDIS_URL is set, the job worker beside
# it. SIGTERM or SIGINT stops both (gunicorn finishes the requests it has); if either stops on its own, the other is
# stopped too and this script exits with its status, so a service manager (systemd, a container runtime) restarts
# the pair. Settings (README, "Running it for real"):
#   HOST, PORT          where gunicorn listens (127.0.0.1:8000: put the TLS proxy in front)
#   WEB_CONCURRENCY     gunicorn's worker processes (2 x cores + 1)
#   GUNICORN_TIMEOUT    seconds a request may take before its worker is restarted (120: large PDF reports)
#   GUNICORN_CMD_ARGS   any other gunicorn options, read by gunicorn itself
#   TENDERSCORE_*       the app's settings: the database, Redis, the proxy, cookies, email...
#   BIN                 where the tenderscore and gunicorn commands are (./.venv/bin, else the PATH)
set -uo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
BIN=${BIN:-$ROOT/.venv/bin}
if [[ ! -x "$BIN/gunicorn" ]]; then
    BIN=$(dirname "$(command -v gunicorn || echo /nonexistent/gunicorn)")
fi
if [[ ! -x "$BIN/gunicorn" || ! -x "$BIN/tenderscore" ]]; then
    echo "serve: gunicorn and tenderscore not found in $BIN or on the PATH; run make setup (or set BIN)" >&2
    exit 1
fi
HOST=${HOST:-127.0.0.1}
PORT=${PORT:-8000}
WORKERS=${WEB_CONCURRENCY:-$((2 * $(nproc) + 1))}
TIMEOUT=${GUNICORN_TIMEOUT:-120}
# The client as the proxy saw it (X-Forwarded-For) next to the address gunicorn saw, and each request's time in ms.
# Tokens of emailed links are logged as [redacted] (tenderscore/web/pages/account.py).
ACCESS_FORMAT='%(h)s "%({x-forwarded-for}i)s" %(t)s "%(r)s" %(s)s %(b)s %(M)sms "%(a)s"'

"$BIN/tenderscore" db upgrade || exit $?

pids=()
asked=0
stop() {
    for pid in "${pids[@]}"; do
        kill -TERM "$pid" 2>/dev/null || true
    done
}
trap 'asked=1; stop' TERM INT

worker=()
if [[ -n "${TENDERSCORE_REDIS_URL:-}" ]]; then
    if "$BIN/tenderscore" worker --help >/dev/null 2>&1; then
        worker=("$BIN/tenderscore" worker)
    else
        echo "serve: TENDERSCORE_REDIS_URL is set but this version has no 'tenderscore worker' command;" \
            "serving without a job worker (/healthz reports the workers down)" >&2
    fi
fi

# The control socket is off: it would be one file per user, shared by every gunicorn that user runs.
"$BIN/gunicorn" "tenderscore.wsgi:app" \
    --bind "$HOST:$PORT" --workers "$WORKERS" --timeout "$TIMEOUT" --graceful-timeout 30 \
    --max-requests 1000 --max-requests-jitter 100 --no-control-socket \
    --access-logfile - --access-logformat "$ACCESS_FORMAT" --error-logfile - &
pids+=($!)
if ((${#worker[@]})); then
    "${worker[@]}" &
    pids+=($!)
fi

wait -n  # the first of the pair to stop, or a signal (the trap has already passed it on)
status=$?
stop
until wait; do :; done  # both finish what they are doing
if ((asked)); then
    exit 0  # stopped by SIGTERM or SIGINT, as asked
fi
exit "$status"

"""Background jobs: in a thread of the app (no Redis), and on the real queue with a real worker process (RQ on the
Redis server at 127.0.0.1:6379), through the API and the pages, on both databases."""

from __future__ import annotations

import io
import os
import signal
import subprocess
import sys
import uuid
import zipfile
from pathlib import Path

import pytest
from redis import Redis
from sqlmodel import Session, select

from tenderscore.db import get_engine
from tenderscore.db.models import Job, User
from tenderscore.services import accounts, jobs
from tenderscore.web.jobs import InProcess, OnRedis, runner
from tests import forms
from tests.api.conftest import World
from tests.api.test_award_api import awarded  # noqa: F401 - the fixture: a tender awarded through the API
from tests.world import PASSWORD

REDIS_URL = os.environ.get("TENDERSCORE_TEST_REDIS_URL", "redis://127.0.0.1:6379/0")


def _wait(world: World, job_id: str) -> None:
    found = runner(world.app)
    assert isinstance(found, InProcess)
    found.wait(job_id)


def test_each_document_is_made_in_the_background_for_whoever_asked(awarded: World) -> None:  # noqa: F811
    url = f"/api/tenders/{awarded.tender_id}/jobs"
    made = {}
    for kind in ("evaluation_report", "score_matrix", "all_summaries"):
        asked = awarded.post("officer", url, json={"kind": kind})
        assert asked.status_code == 202, asked.json
        assert asked.headers["Location"] == f"/api/jobs/{asked.json['id']}"
        _wait(awarded, asked.json["id"])
        job = awarded.get("officer", asked.headers["Location"]).json
        assert job["state"] == "done" and job["done"] == job["total"] and job["error"] is None, job
        made[kind] = awarded.get("officer", job["download_url"])
        assert made[kind].status_code == 200
    assert made["evaluation_report"].data[:4] == b"%PDF"
    assert made["score_matrix"].data[:2] == b"PK"
    names = zipfile.ZipFile(io.BytesIO(made["all_summaries"].data)).namelist()
    assert len(names) == 3 and all(n.endswith(".pdf") for n in names)  # every assessed bid, the excluded one too

    job_id = awarded.post("officer", url, json={"kind": "score_matrix"}).json["id"]
    _wait(awarded, job_id)
    for outsider in ("other_officer", "bidder_a", "commissioner", "evaluator1"):
        assert awarded.get(outsider, f"/api/jobs/{job_id}").status_code == 404  # another's job is not said to exist
        assert awarded.get(outsider, f"/api/jobs/{job_id}/download").status_code == 404
    before = awarded.state()
    assert awarded.post("commissioner", url, json={"kind": "all_summaries"}).status_code == 403
    assert awarded.post("bidder_a", url, json={"kind": "evaluation_report"}).status_code == 403
    assert awarded.post("other_officer", url, json={"kind": "evaluation_report"}).status_code == 404
    refused = awarded.post("officer", url, json={"kind": "everything"})
    assert refused.status_code == 422 and "kind" in str(refused.json)
    assert awarded.state() == before


def test_a_job_that_cannot_be_made_says_why(awarded: World) -> None:  # noqa: F811
    """The account that asked was deactivated before a worker took the job: it fails, in words, nothing issued."""
    with Session(get_engine(awarded.app), expire_on_commit=False) as session:
        officer = session.get(User, awarded.uid("officer"))
        assert officer is not None
        job = jobs.request(session, officer, awarded.tender_id, "evaluation_report")
        jobs.queued(session)  # not started: the test is the worker
        session.commit()
        accounts.deactivate(session, "test", awarded.uid("officer"))
        session.commit()
    jobs.run(get_engine(awarded.app), job.id)
    with Session(get_engine(awarded.app)) as session:
        failed = session.get(Job, job.id)
        assert failed is not None and failed.state == "failed" and failed.result is None
        assert failed.error == "The account that asked for this document is no longer active"
    jobs.run(get_engine(awarded.app), job.id)  # a job is done once: running it again changes nothing


def test_the_page_follows_the_job_and_offers_the_download(awarded: World) -> None:  # noqa: F811
    client = awarded.app.test_client()
    forms.sign_in(client, awarded.users["officer"].email, PASSWORD)
    token = forms.csrf_token(client, f"/tenders/{awarded.tender_id}/evaluation")
    asked = client.post(f"/tenders/{awarded.tender_id}/jobs", data={"csrf_token": token, "kind": "evaluation_report"})
    assert asked.status_code == 302 and asked.headers["Location"].startswith("/jobs/")
    job_id = asked.headers["Location"].rsplit("/", 1)[1]
    _wait(awarded, job_id)
    ready = client.get(asked.headers["Location"])
    assert ready.status_code == 200 and 'id="job-ready"' in ready.text and 'http-equiv="refresh"' not in ready.text
    pdf = client.get(f"/jobs/{job_id}/download")
    assert pdf.status_code == 200 and pdf.data[:4] == b"%PDF"
    wrong = client.post(f"/tenders/{awarded.tender_id}/jobs", data={"csrf_token": token, "kind": "nonsense"})
    assert wrong.status_code == 400 and "There is a problem" in wrong.text


def test_a_queued_job_shows_its_progress_and_refreshes(awarded: World) -> None:  # noqa: F811
    with Session(get_engine(awarded.app), expire_on_commit=False) as session:
        officer = session.get(User, awarded.uid("officer"))
        assert officer is not None
        job = jobs.request(session, officer, awarded.tender_id, "all_summaries")
        jobs.queued(session)  # left waiting, as if no worker were running
        session.commit()
    client = awarded.app.test_client()
    forms.sign_in(client, awarded.users["officer"].email, PASSWORD)
    waiting = client.get(f"/jobs/{job.id}")
    assert 'http-equiv="refresh"' in waiting.text and "<progress" in waiting.text
    assert "Waiting for a worker" in waiting.text
    early = client.get(f"/jobs/{job.id}/download")
    assert early.status_code == 409 and "not ready yet" in early.text


@pytest.fixture
def on_redis(awarded: World, tmp_path: Path) -> tuple[World, str]:  # noqa: F811
    """The same app, but its jobs go to a queue of this test's own on the real Redis server."""
    queue = f"tenderscore-test-{uuid.uuid4().hex[:8]}"
    awarded.app.config.update(REDIS_URL=REDIS_URL, JOB_QUEUE=queue)
    awarded.app.extensions["tenderscore.jobs"] = OnRedis(REDIS_URL, queue)
    yield awarded, queue
    Redis.from_url(REDIS_URL).delete(f"rq:queue:{queue}")


def _left_behind(mark: str) -> list[int]:
    """Processes still running whose environment carries ``mark``: what a finished worker left behind."""
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                if mark.encode() in (entry / "environ").read_bytes():
                    found.append(int(entry.name))
            except OSError:
                continue  # gone, or not ours
    return found


def test_the_real_queue_and_a_real_worker_process(on_redis: tuple[World, str], tmp_path: Path) -> None:
    """Two jobs on the real queue, done by a real ``tenderscore worker``: a batch of summaries (a pool of render
    processes) and the evaluation report (one render process). When the worker stops, nothing it started is left
    running: each job runs in a forked child that ends with ``os._exit``, so a render process it started must not
    outlive it (one did, holding ~180 MB and the job's database connections, after every report)."""
    world, queue = on_redis
    asked = [world.post("officer", f"/api/tenders/{world.tender_id}/jobs", json={"kind": kind})
             for kind in ("all_summaries", "evaluation_report")]  # fmt: skip
    assert [a.status_code for a in asked] == [202, 202]
    assert world.get("officer", f"/api/jobs/{asked[0].json['id']}").json["state"] == "queued"
    mark = f"worker-{uuid.uuid4().hex}"
    env = {
        **os.environ,
        "TENDERSCORE_DATABASE_URL": world.app.config["DATABASE_URL"],
        "TENDERSCORE_REDIS_URL": REDIS_URL,
        "TENDERSCORE_JOB_QUEUE": queue,
        "TENDERSCORE_INSTANCE_PATH": str(tmp_path / "worker-instance"),
        "TENDERSCORE_TEST_MARK": mark,
    }
    log = tmp_path / "worker.log"
    with log.open("w") as output:  # a file, not a pipe: a process left holding a pipe would keep run() waiting
        worker = subprocess.run([sys.executable, "-m", "tenderscore.cli", "worker", "--burst"], env=env,
                                stdout=output, stderr=subprocess.STDOUT, timeout=300, check=False)  # fmt: skip
    left = _left_behind(mark)
    for pid in left:
        os.kill(pid, signal.SIGKILL)
    said = log.read_text()[-3000:]
    assert worker.returncode == 0, said
    summaries, report = (world.get("officer", f"/api/jobs/{a.json['id']}").json for a in asked)
    assert summaries["state"] == "done" and report["state"] == "done", (summaries, report, said)
    archive = zipfile.ZipFile(io.BytesIO(world.get("officer", summaries["download_url"]).data))
    assert len(archive.namelist()) == 3
    assert world.get("officer", report["download_url"]).data.startswith(b"%PDF-")
    assert left == [], f"the worker left {len(left)} process(es) running"


def test_without_a_reachable_queue_the_job_waits_and_the_request_still_succeeds(awarded: World) -> None:  # noqa: F811
    awarded.app.extensions["tenderscore.jobs"] = OnRedis("redis://127.0.0.1:1/0", "nowhere")
    asked = awarded.post("officer", f"/api/tenders/{awarded.tender_id}/jobs", json={"kind": "score_matrix"})
    assert asked.status_code == 202
    assert awarded.get("officer", f"/api/jobs/{asked.json['id']}").json["state"] == "queued"
    with Session(get_engine(awarded.app)) as session:
        assert session.exec(select(Job)).one().id == asked.json["id"]


def test_issuing_the_summaries_runs_as_a_job_and_only_once(awarded: World) -> None:  # noqa: F811
    url = f"/api/tenders/{awarded.tender_id}/jobs"
    asked = awarded.post("officer", url, json={"kind": "issue_summaries"})
    assert asked.status_code == 202, asked.json
    _wait(awarded, asked.json["id"])
    job = awarded.get("officer", f"/api/jobs/{asked.json['id']}").json
    assert job["state"] == "done" and job["download_url"] is None, job
    assert job["stage"] == "Issued 3 assessment summaries: bidders emailed"
    path = awarded.get("officer", f"/api/tenders/{awarded.tender_id}/award/path").json
    assert path["stage"] == "summaries_issued" and path["assessment_summaries_sent_at"] is not None
    assert awarded.get("officer", f"/api/jobs/{asked.json['id']}/download").status_code == 404  # no file to give
    again = awarded.post("officer", url, json={"kind": "issue_summaries"})
    assert again.status_code == 409 and "were issued on" in again.json["detail"]
    mine = awarded.get("bidder_b", f"/api/tenders/{awarded.tender_id}/documents").json
    assert [d["kind"] for d in mine] == ["assessment_summary"]

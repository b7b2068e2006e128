// GOV.UK Frontend styles some components differently when JavaScript runs; pages work without it.
document.body.className += " js-enabled" + ("noModule" in HTMLScriptElement.prototype ? " govuk-frontend-supported" : "");

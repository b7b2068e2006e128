// The policy form: show the chosen measure's unit beside its minimum (progressive enhancement; the server
// already shows the unit of a measure chosen before the page was drawn).
const affixes = JSON.parse(document.getElementById("measure-affixes")?.textContent || "{}");

function affixElement(wrapper, input, kind) {
  let element = wrapper.querySelector(`.govuk-input__${kind}`);
  if (!element) {
    element = document.createElement("div");
    element.className = `govuk-input__${kind}`;
    element.setAttribute("aria-hidden", "true");
    if (kind === "prefix") wrapper.insertBefore(element, input);
    else wrapper.appendChild(element);
  }
  return element;
}

function showUnit(select) {
  const row = select.closest("[data-commitment-row]");
  const input = row?.querySelector("input[id^='minimum_']");
  if (!input) return;
  let wrapper = input.closest(".govuk-input__wrapper");
  if (!wrapper) {
    wrapper = document.createElement("div");
    wrapper.className = "govuk-input__wrapper";
    input.parentNode.insertBefore(wrapper, input);
    wrapper.appendChild(input);
  }
  const [prefix, suffix] = affixes[select.value] || ["", ""];
  for (const [kind, text] of [["prefix", prefix], ["suffix", suffix]]) {
    const element = affixElement(wrapper, input, kind);
    element.textContent = text;
    element.hidden = !text;
  }
}

for (const select of document.querySelectorAll("select[data-affixes]")) {
  select.addEventListener("change", () => showUnit(select));
}

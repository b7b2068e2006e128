"""Bid text for the demo workbooks: paragraphs by topic, in the voice of real resettlement bids.

Every organisation, place and figure is invented.
"""

from __future__ import annotations

TOPICS: dict[str, tuple[str, ...]] = {
    "accommodation": (
        "Every person is met by a housing caseworker at least twelve weeks before release, so that a duty-to-refer "
        "notice reaches the local authority in time and no one leaves custody without an address for the first night.",
        "We hold 46 units of supported move-on accommodation with two housing association partners, and a landlord "
        "liaison service that guarantees rent for the first six months where a private tenancy is offered.",
        "Tenancy sustainment workers visit weekly for the first three months, then fortnightly, and step back in "
        "within two working days if rent arrears, anti-social behaviour complaints or a relationship breakdown put "
        "the tenancy at risk.",
        "Women leaving custody are offered women-only accommodation and a named key worker; where children are "
        "involved we work with children's services from the first week so that housing and family plans agree.",
        "We will report NI 143, people in settled and suitable accommodation at the end of their order, monthly by "
        "area, and we commit to raising it from the 68% baseline to 80% by the end of year two.",
    ),
    "employment": (
        "Each person has an employment, training and education plan agreed in the first two weeks, built on an "
        "assessment of literacy, numeracy, digital skills and the barriers a conviction creates in their sector.",
        "Our employer network of 38 local businesses, including construction, logistics and hospitality firms, has "
        "signed a fair-chance recruitment pledge and offers guaranteed interviews to candidates we put forward.",
        "Job coaches stay in touch for six months after a job start, because the first weeks in work are when most "
        "placements fail: early shifts, travel costs and disclosure conversations are solved before they end a job.",
        "We fund construction and forklift licences, and a social enterprise kitchen gives paid trial shifts to "
        "people who have never held a job, with a reference at the end that employers can rely on.",
        "We will report NI 144, people in employment at the end of their order, and commit to 120 job starts a "
        "year, of which at least half sustained for 13 weeks.",
    ),
    "substance": (
        "Drug and alcohol workers are co-located in every probation office two days a week, so that a person seen "
        "for supervision can start treatment the same day rather than waiting for a referral to be triaged.",
        "We bridge prescribing from custody to community within 24 hours of release and offer naloxone training "
        "and kits to every person with a history of opiate use, and to their families.",
        "Recovery coaches with lived experience run peer groups in the evenings and at weekends, when relapse risk "
        "is highest and statutory services are closed.",
        "Where a Drug Rehabilitation Requirement or Alcohol Treatment Requirement is made, we report attendance "
        "weekly to the responsible officer and agree the response to any missed appointment within 48 hours.",
    ),
    "health": (
        "A health navigator registers each person with a GP before release and books the first appointment, "
        "because people leaving custody are far less likely than others to be registered with a practice.",
        "We screen for mental health needs, brain injury and neurodiversity at assessment and adapt how sessions "
        "are run: shorter sessions, written reminders, and a quiet room where needed.",
        "Liaison with community mental health teams is covered by a shared protocol agreed with the integrated "
        "care board, so that no one is discharged between services without a named contact.",
    ),
    "finance": (
        "Money advisers accredited to the Money Advice Standards help each person open a bank account, claim the "
        "benefits they are entitled to from the day of release, and agree affordable repayment plans for debts.",
        "We arrange advance payments of Universal Credit and a budgeting plan before release, and a hardship fund "
        "covers travel to appointments and work until the first wage or benefit payment arrives.",
        "Debt advice is offered in partnership with a community advice charity that can represent people at "
        "tribunal and negotiate with councils over council tax and rent arrears.",
    ),
    "family": (
        "Family workers support contact with children from custody onwards and help families prepare for "
        "the return home, including parenting courses that fathers and mothers can start inside.",
        "Where domestic abuse is a risk, every family intervention is agreed with the responsible officer and "
        "the multi-agency risk assessment conference, and the safety of partners and children comes first.",
        "Kinship carers looking after the children of people in custody are offered advice and a support group, "
        "because a placement that breaks down makes resettlement harder for everyone.",
    ),
    "attitudes": (
        "Mentors trained in the Good Lives Model and motivational interviewing meet each person weekly, working "
        "on the goals they set rather than a list of deficits, which keeps engagement high.",
        "We deliver structured group sessions on problem-solving, consequential thinking and managing emotions, "
        "with one-to-one follow-up so that what is learnt in the group is used in daily life.",
        "Restorative justice conferences are offered where the person harmed wants one; in our current service "
        "more than 80% of participants said they were satisfied with the outcome.",
    ),
    "general": (
        "Our consortium brings together a lead provider with eleven years' experience of resettlement contracts "
        "and seven voluntary and community organisations rooted in the areas we serve.",
        "Governance is through a partnership board that meets monthly, with a performance dashboard shared with "
        "the commissioner and each partner paid within 14 days of a valid invoice.",
        "We will mobilise in twelve weeks: staff who transfer under TUPE are consulted from week one, referral "
        "routes are tested with probation teams before go-live, and no current case is left without a worker.",
        "Safeguarding follows the local safeguarding partnerships' procedures; every worker is DBS checked at "
        "the enhanced level and trained in recognising exploitation, self-harm and suicide risk.",
        "Feedback from people on probation is gathered every quarter by our lived-experience panel, and the "
        "changes made in response are reported to the commissioner.",
        "Anti-social behaviour cases are handled with housing officers using the Respect Standard's commitments, "
        "with early intervention, support for victims and enforcement used proportionately.",
    ),
}

EVIDENCE: tuple[str, ...] = (
    "In our current contract, 74% of the people we supported were in settled accommodation three months after release.",
    "Last year our caseworkers held 11,400 supervision-linked appointments, and 91% started on time.",
    "An independent evaluation of our pilot found re-offending 18% lower than in a matched comparison group.",
    "Every worker has a caseload of no more than 28, reviewed monthly by a senior practitioner.",
    "We publish our outcomes quarterly, including where we have fallen short and what we changed as a result.",
    "Our lived-experience panel of fourteen former service users reviews every new process before it is used.",
    "Two thirds of our front-line staff live in the areas they serve, and a fifth have lived experience of the "
    "justice system.",
    "We will share anonymised case data with the commissioner's evaluation partner from the first month.",
)

KEYWORDS: dict[str, tuple[str, ...]] = {
    "accommodation": ("accommodation", "housing", "tenan", "homeless"),
    "employment": ("employment", "education", "training", "job"),
    "substance": ("drug", "alcohol", "substance"),
    "health": ("health", "mental"),
    "finance": ("finance", "benefit", "debt", "money"),
    "family": ("famil", "children", "parent"),
    "attitudes": ("attitude", "thinking", "behaviour", "restorative"),
}


def topic_for(text: str) -> str:
    """The topic whose keywords appear in ``text`` (a criterion's title, pathway and question), else "general"."""
    lowered = text.lower()
    for topic, words in KEYWORDS.items():
        if any(word in lowered for word in words):
            return topic
    return "general"

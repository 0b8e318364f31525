"""Synthetic items for benchmarks: realistic, varied calls and legislation, sv and en.

``synthetic_items(n, seed=0)`` is deterministic: the same ``n`` and ``seed`` give the same
items, so figures from different runs and benchmarks compare. Titles and summaries are
assembled from the shapes real sources send (SEDIA topic codes, ESF+ and Vinnova call
titles, EUR-Lex acts, regeringen.se remisser, riksdagen documents), about a third of them on
subjects no committee needs (research, fisheries, trade, space, tax).
"""

from __future__ import annotations

import random
from datetime import datetime, timedelta, timezone

from monitor.model import CALL, LEGISLATION, Item

__all__ = ["synthetic_items"]

START = datetime(2026, 1, 1, tzinfo=timezone.utc)

# (topic, a sentence about it) per language; municipal subjects and others mixed.
TOPICS_EN = [
    ("mobility of learners and staff in school education",
     "Schools send pupils and teachers abroad for job shadowing and group exchanges."),
    ("youth exchanges", "Groups of young people from several countries meet for a week of "
                        "workshops prepared with youth workers."),
    ("adult education and basic skills", "Providers of adult education train staff and "
                                         "reach low-skilled adult learners."),
    ("vocational education and training", "VET providers send apprentices on placements."),
    ("town twinning", "Municipalities bring together citizens from twinned towns."),
    ("integration of migrants at local level",
     "Local authorities support labour market integration of refugees."),
    ("long-term care workforce", "Projects recruit and train care workers for older people."),
    ("energy renovation of public buildings",
     "Local authorities plan deep renovation and energy efficiency measures."),
    ("climate adaptation and nature-based solutions",
     "Cities reduce flood and heat risks with green infrastructure."),
    ("cultural cooperation projects", "Cultural operators work on audience development."),
    ("grassroots sport and physical activity", "Sports clubs promote social inclusion."),
    ("cybersecurity of public administrations", "Public administrations train staff on "
                                                "incident reporting."),
    ("prevention of gender-based violence", "Social services and police support victims."),
    ("quantum sensing for satellite missions", "Research and innovation actions develop "
                                               "atomic clocks for space applications."),
    ("microalgae feed for aquaculture", "Research projects on novel aquaculture feed."),
    ("perovskite tandem solar cells", "Researchers improve the stability of modules."),
    ("doctoral networks", "Universities train doctoral candidates."),
    ("defence sensor fusion", "Defence industry consortia develop military sensors."),
]
TOPICS_SV = [
    ("kompetenslyft i förskolan", "Medel för att utbilda barnskötare och förskollärare."),
    ("insatser för personer långt från arbetsmarknaden",
     "Projekt för långtidsarbetslösa och personer med ekonomiskt bistånd."),
    ("välfärdsteknik i äldreomsorgen", "Kommuner prövar digitala lösningar i hemtjänsten."),
    ("internationella ungdomsutbyten", "Föreningar och kommuner möter unga från andra länder."),
    ("kommunala partnerskap", "En svensk kommun och en partnerkommun förbereder ett projekt."),
    ("läsfrämjande i folkbibliotek", "Bibliotek utvecklar verksamhet för barn och unga."),
    ("energi- och klimatrådgivning", "Kommuner erbjuder hushåll opartisk rådgivning."),
    ("validering inom vård och omsorg", "Komvux och arbetsgivare samarbetar om yrkesutbildning."),
    ("fritidsgårdar och öppen fritidsverksamhet", "Stöd till meningsfull fritid för unga."),
    ("våld i nära relationer", "Socialtjänsten stärker stödet till våldsutsatta."),
    ("djupteknologiska startups", "Finansiering för små företag med djupteknologi."),
    ("forskning om lokal demokrati", "Forskare vid universitet och högskolor kan söka medel."),
    ("fiskemöjligheter i Östersjön", "Fångstkvoter för torsk och sill."),
]
PROGRAMMES_EN = ["Erasmus+", "CERV", "AMIF", "EU4Health", "LIFE", "Creative Europe",
                 "Digital Europe", "Horizon Europe", "Interreg Baltic Sea Region", "URBACT",
                 "European Defence Fund", "Nordplus Junior"]
PROGRAMMES_SV = ["ESF+", "Vinnova", "MUCF", "ICLD", "Energimyndigheten", "Kulturrådet",
                 "Formas", "Tillväxtverket", "Allmänna arvsfonden", "Skolverket"]
CODES = ["KA121-SCH", "KA152-YOU", "KA122-ADU", "KA220-SCH", "CERV-{y}-CITIZENS-TOWN-TT",
         "CERV-{y}-DAPHNE", "LIFE-{y}-CET-LOCAL", "EU4H-{y}-PJ-{n:02d}",
         "HORIZON-CL5-{y}-D4-{n:02d}", "HORIZON-MISS-{y}-CIT-{n:02d}", "DIGITAL-{y}-AI-{n:02d}",
         "CREA-CULT-{y}-COOP", "AMIF-{y}-TF2-AG-INTE", "EDF-{y}-RA-{n:02d}"]
ACTS_EN = [
    ("Directive (EU) {y}/{n} on the energy performance of buildings",
     "Sets minimum energy performance standards and national renovation plans."),
    ("Regulation (EU) {y}/{n} on packaging and packaging waste",
     "Municipal collection of packaging waste and reuse targets."),
    ("Directive (EU) {y}/{n} on pay transparency", "Employers report on the gender pay gap."),
    ("Directive (EU) {y}/{n} on combating violence against women and domestic violence",
     "Support services for victims, including shelters."),
    ("Council Regulation fixing for {y} the fishing opportunities in the Baltic Sea",
     "Total allowable catches for cod, herring and sprat."),
    ("Commission Implementing Regulation imposing a definitive anti-dumping duty on imports "
     "of steel fasteners", ""),
    ("Commission Implementing Decision on the financing of the Galileo and EGNOS programmes",
     "Work programme for satellite navigation."),
    ("Call for evidence: European Affordable Housing Plan",
     "Views on affordable housing and the role of local authorities."),
]
ACTS_SV = [
    ("Prop. {y}/{m}:{n} En ny socialtjänstlag",
     "Förebyggande insatser för individ- och familjeomsorg och äldreomsorg."),
    ("Remiss av promemorian Fler bygglovsbefriade åtgärder (Ds {y}:{n})",
     "Mindre åtgärder på en- och tvåbostadshus utan bygglov."),
    ("Remiss av SOU {y}:{n} Kommunalt ansvar för insamling av förpackningsavfall",
     "Bostadsnära insamling från hushåll."),
    ("Remiss av Ds {y}:{n} Gäldenärens avtal i konkurs", ""),
    ("Skattetransparenta värdepappersfonder för institutionella investerare", ""),
    ("Remiss av betänkandet Rättssäker samhällsvård för barn och unga (SOU {y}:{n})", ""),
    ("Motion om jaktvårdsavgiften", "Översyn av avgiftens storlek och användning."),
]
APPLICANTS_EN = ["Municipalities and regions may apply.", "Public authorities and NGOs apply "
                 "in consortia of at least three countries.", "Open to companies and "
                 "research organisations.", "Schools and local authorities are eligible."]
APPLICANTS_SV = ["Kommuner, regioner och ideella föreningar kan söka.", "Företag och "
                 "forskningsorganisationer kan söka.", "Skolhuvudmän kan ansöka om bidrag."]


def _call(rng: random.Random, i: int) -> Item:
    swedish = rng.random() < 0.4
    year = rng.choice((2025, 2026, 2027))
    if swedish:
        topic, text = rng.choice(TOPICS_SV)
        programme = rng.choice(PROGRAMMES_SV)
        title = f"{rng.choice(('Utlysning:', 'Stöd till', 'Bidrag för', ''))} {topic}".strip()
        summary = f"{text} {rng.choice(APPLICANTS_SV)} Sista ansökningsdag {rng.randint(1, 28)}" \
                  f" {rng.choice(('februari', 'maj', 'oktober'))} {year}."
    else:
        topic, text = rng.choice(TOPICS_EN)
        programme = rng.choice(PROGRAMMES_EN)
        code = rng.choice(CODES).format(y=year, n=rng.randint(1, 12))
        title = f"{code} {topic[0].upper()}{topic[1:]}"
        summary = f"{text} {rng.choice(APPLICANTS_EN)} Budget EUR {rng.randint(1, 40)} million."
    deadline = START + timedelta(days=rng.randint(0, 700), hours=rng.choice((0, 15, 17)))
    return Item(source="synthetic-calls", native_id=f"call-{i}", kind=CALL, title=title,
                url=f"https://example.org/calls/{i}", summary=summary, programme=programme,
                language="sv" if swedish else "en", deadlines=[deadline],
                opens=deadline - timedelta(days=rng.randint(30, 120)))


def _act(rng: random.Random, i: int) -> Item:
    swedish = rng.random() < 0.5
    year = rng.choice((2024, 2025, 2026))
    title, summary = rng.choice(ACTS_SV if swedish else ACTS_EN)
    title = title.format(y=year, m=str(year + 1)[2:], n=rng.randint(1, 3000))
    return Item(source="synthetic-acts", native_id=f"act-{i}", kind=LEGISLATION, title=title,
                url=f"https://example.org/acts/{i}", summary=summary,
                language="sv" if swedish else "en",
                published=START + timedelta(days=rng.randint(0, 700)))


def synthetic_items(n: int, seed: int = 0) -> list[Item]:
    """``n`` items, about 60 % calls and 40 % legislation; deterministic for a seed."""
    rng = random.Random(seed)
    return [_call(rng, i) if rng.random() < 0.6 else _act(rng, i) for i in range(n)]

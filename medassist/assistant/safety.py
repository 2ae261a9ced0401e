# ruff: noqa: E501, SIM905 - rule tables: one readable rule a line, word lists as text
"""The safety layer: run on every patient message BEFORE understanding, and again on whatever an
optional understanding backend returns. It decides, with rules a person can read, whether a
message is an emergency (answer at once with the emergency template) or a clinical question
(never answered; routed to the care team). Nothing here generates text for a patient.

Matching works on a normalized form of the message: lower case, accents stripped (Spanish),
letters repeated three or more times squeezed ("pleeease"), common chat shorthand expanded
("cant", "u", "ur"), and each word that is a near miss of one of the safety vocabulary's words
corrected to it ("chset" -> "chest", "breth" -> "breath", "suicidl" -> "suicidal"), with
optimal-string-alignment edit distance from rapidfuzz (a swap of two letters is one edit). Words the assistant knows as ordinary words are never
"corrected" ("bills" stays "bills", not "pills").

When unsure whether a message is clinical, the caller routes it to a person: this module only
says yes when a rule fires; `understand.decide` adds the classifier's opinion on top."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from enum import StrEnum
from functools import lru_cache

from rapidfuzz.distance import OSA

from medassist.assistant.lexicon import (
    lexicon_words,
    medical_pattern,
    medical_words_in,
    medicines_in,
    mentions_medical,
)


class Verdict(StrEnum):
    EMERGENCY = "emergency"
    CLINICAL = "clinical"
    NONE = "none"


@dataclass(frozen=True)
class Finding:
    verdict: Verdict
    category: str = ""  # e.g. "chest_pain", "suicide", "medication_change"
    matched: str = ""  # the normalized words that fired the rule (for staff and the eval)
    crisis: bool = False  # suicidal crisis: 988 as well as 911
    clauses: tuple[str, ...] = field(default_factory=tuple)  # the clinical parts of the message

    @property
    def is_emergency(self) -> bool:
        return self.verdict == Verdict.EMERGENCY

    @property
    def is_clinical(self) -> bool:
        return self.verdict == Verdict.CLINICAL


NONE = Finding(Verdict.NONE)

MAX_CHECKED = 20_000  # characters checked; a longer message is cut for matching, never ignored

# --- normalization -------------------------------------------------------------------------

SHORTHAND = {
    "cant": "can't",
    "cannot": "can't",
    "can not": "can't",
    "couldnt": "couldn't",
    "wont": "won't",
    "dont": "don't",
    "doesnt": "doesn't",
    "didnt": "didn't",
    "isnt": "isn't",
    "im": "i'm",
    "ive": "i've",
    "id": "i'd",
    "u": "you",
    "ur": "your",
    "r": "are",
    "pls": "please",
    "plz": "please",
    "meds": "medication",
    "med": "medication",
    "medicine": "medication",
    "medicines": "medication",
    "medications": "medication",
    "b4": "before",
    "2day": "today",
    "tmrw": "tomorrow",
    "tmr": "tomorrow",
    "tho": "though",
    "abt": "about",
    "rn": "right now",
    "bc": "because",
    "cuz": "because",
    "w/": "with",
    "kms": "kill myself",
    "unalive": "kill",
    "sob": "short of breath",
    "od": "overdose",
    "oded": "overdosed",
    "odd": "overdosed",
    "bp": "blood pressure",
    "doc": "doctor",
    "dr": "doctor",
    "rx": "prescription",
    "ok": "okay",
    "k": "okay",
}

# The words the safety rules are written with: a near miss of one of these is corrected to it.
SAFETY_WORDS = """
chest pain pressure tightness crushing heart attack breathe breathing breath breathless
choking gasping wheezing suffocating stroke drooping droopy slurred slurring numb numbness
paralyzed bleeding blood hemorrhage anaphylaxis anaphylactic allergic reaction swelling swollen
throat tongue epipen suicidal suicide kill myself overdose overdosed overdosing swallowed
poison poisoned poisoning bleach antifreeze seizure seizures seizing convulsing convulsions
unconscious unresponsive fainted passed collapsed breathing emergency ambulance stabbed
pills tablets bottle whole medication dizzy having waking wake killing heavily happening sudden move battery batteries face arm right left laundry vomiting throwing coughing hurts hurting
dying bleeding pregnant contractions should side effects interaction interactions dosage
dose doses symptoms symptom diagnosis normal serious dangerous worried worry results
mean means infection infected pressure stop taking
prescribed prescription headache fever rash swelling nausea medicine
""".split()

SPANISH_SAFETY_WORDS = """
pecho dolor respirar respiro ahogo ahogando sangre sangrado sangrando desmayo desmayado
inconsciente convulsion convulsiones convulsionando suicidio suicidarme matarme morir
sobredosis pastillas veneno envenenado envenenamiento garganta lengua hinchada hinchado
emergencia ambulancia infarto derrame todas tomo
""".split()

VOCABULARY = frozenset(SAFETY_WORDS + SPANISH_SAFETY_WORDS)
_VOCABULARY_SORTED = sorted(VOCABULARY)  # a fixed order: the same typo is corrected the same way

# Ordinary words that are one edit away from a safety word and must not be "corrected".
ORDINARY = frozenset(
    """
    bills bill pill chess best rest test tests west vest jest pest nest hurry worry
    dose does done doe code rode node mode nose rose hose lose close pose those
    breed bread break breaks broke dream cream great treat threat
    results result insult adult consult
    passes pasta paste passed past
    bottles bleach beach reach teach
    taking making baking waking raking
    should would could
    means meant mean meat
    stop shop step stoop
    whole while white whale wholesale
    pain paid pay pays rain main gain train
    heart hearts hears heard head hear
    effects affects
    normal formal
    symptom
    attack attach
    blood flood bloom
    numb number numbers
    hurts hunts huts
    dying dyeing
    serious series
    doses posses
    swollen stolen
    throat throw thrown
    tongue
    reaction
    dizzy busy
    stroke strike stroll
    seizure seize leisure
    poison prison
    dolor color calor valor
    talking talk talked walking walk working work looking look booking book cooking
    checking check checked thinking think drinking stocking picking parking packing
    asking ask thanking wanting waiting sitting setting getting meeting making moving
    having saving paying playing staying calling filling willing feeling billing
    sending ending needing reading leading seeing being doing going coming dying trying
    showing sharing caring hearing wearing bearing teaching reaching watching matching
    office offices clinic doctor nurse staff front desk person people someone anyone
    monday tuesday wednesday thursday friday saturday sunday today tomorrow morning
    afternoon evening night week month year time times date dates early later earlier
    please thanks thank hello again about above after along also always another answer
    around because before below between both change close could dinner during every
    first found friend from great happy help here home house into just keep kind know
    last left like little long made many maybe might more most much must name never
    next only open other over paper place plan please point right same should since
    small some still such sure take tell than that their them then there these they
    thing think this those though three through under until very want well were what
    when where which while with without would write wrong your yours address parking
    insurance copay balance payment portal message letter forms pharmacy refill
    morir
    pecho hecho techo derecho
    sangre
    """.split()
)


@lru_cache(maxsize=1)
def _ordinary() -> frozenset[str]:
    """Words never "corrected": the list above and every word of the training set that is not
    itself a safety word (the training set is how patients write about ordinary things)."""
    from pathlib import Path

    words = set(ORDINARY)
    train = Path(__file__).parent / "data" / "train.jsonl"
    if train.is_file():
        words |= set(re.findall(r"[a-z]+", _strip_accents(train.read_text("utf-8").lower())))
    return frozenset(words - VOCABULARY)


def _strip_accents(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


_TOKEN = re.compile(r"[a-z0-9']+|[^\sa-z0-9']")
_REPEATS = re.compile(r"([a-z])\1{2,}")


@lru_cache(maxsize=8192)
def _correct(word: str) -> str:
    """A near miss of a safety word, corrected to it; any other word as it is."""
    if word in VOCABULARY or word in _ordinary() or len(word) < 4 or not word.isalpha():
        return word
    limit = 1 if len(word) <= 8 else 2
    best, best_d = word, limit + 1
    if len(word) >= 6:  # medical words and medicines: one edit, or doubled letters squeezed
        squeezed = re.sub(r"([a-z])\1", r"\1", word)
        if squeezed != word and squeezed in lexicon_words():
            return squeezed
        for target in lexicon_words():
            if abs(len(target) - len(word)) <= 1 and OSA.distance(word, target, score_cutoff=1) <= 1:
                return target
    for target in _VOCABULARY_SORTED:
        if abs(len(target) - len(word)) > limit or target[0] != word[0] and len(word) < 5:
            continue
        d = OSA.distance(word, target, score_cutoff=limit)
        if d < best_d:
            best, best_d = target, d
    return best


def normalize(text: str) -> str:
    """The form rules match against: see the module's docstring."""
    text = _strip_accents((text or "")[:MAX_CHECKED]).lower()
    text = text.replace("\u2019", "'").replace("`", "'")
    text = _REPEATS.sub(r"\1\1", text)
    text = re.sub(r"\bx[- ]?rays?\b", "xray", text)
    text = re.sub(r"(?<=[a-z])-(?=[a-z])", " ", text)  # walk-ins, co-pay, pre-op
    words: list[str] = []
    for token in _TOKEN.findall(text):
        if token[0].isalnum():
            token = token.strip("'")
            if not token:
                continue
            token = SHORTHAND.get(token, token)
            token = " ".join(_correct(part) for part in token.split(" "))
        words.append(token)
    out = " ".join(words)
    # keep contractions matching either way: "can 't" never appears, "can't" does
    return re.sub(r"\s+", " ", out).strip()


# --- emergency rules -----------------------------------------------------------------------
# Each rule: (category, regex on the normalized text). Regexes allow a few words in between
# with W (up to three filler words).

W = r"(?:\s+\S+){0,3}?"
W5 = r"(?:\s+\S+){0,5}?"
NEG_MED = r"(?!\s+(?:medication|prescription|pills|refill|tablets|history|disorder|clinic|doctor|specialist|neurologist|appointment|follow|check|test))"  # noqa: E501

EMERGENCY_RULES: list[tuple[str, str]] = [
    # chest pain and heart
    (
        "chest_pain",
        r"\bchest" + W + r"\s+(?:pain|pains|hurts?|hurting|pressure|tight|tightness|crushing|"
        r"squeez\w*|heavy|heaviness|burning|aches?|aching|killing)",
    ),
    (
        "chest_pain",
        r"\b(?:pain|pains|pressure|tightness|squeez\w*|weight|elephant|heaviness)" + W5
        + r"\s+(?:in|on|across)\s+(?:my|the|his|her)\s+chest",
    ),
    ("chest_pain", r"\bheart attack|\bcardiac arrest|\bheart (?:stopped|is stopping)"),
    ("chest_pain", r"\bpain" + W + r"\s+(?:down|into|in) (?:my |his |her )?(?:left )?arm"),
    ("chest_pain", r"\bheart" + W + r"\s+(?:racing|pounding)" + W5 + r"\s+(?:faint|pass out|dizzy|chest)"),
    # stroke
    (
        "stroke",
        r"\b(?:face|mouth|smile|lip)" + W + r"\s+(?:is |looks |seems )?(?:drooping|droopy|droops|"
        r"dropped|sagging|crooked|lopsided|numb)",
    ),
    ("stroke", r"\bslurr(?:ed|ing)|\bspeech" + W + r"\s+(?:slurred|garbled|weird|strange)"),
    ("stroke", r"\b(?:having|had|is having|think (?:i'm|he's|she's|i am) having) a stroke\b"),
    ("stroke", r"\bstroke (?:symptoms|signs) (?:right now|now)|\bsigns of a stroke"),
    (
        "stroke",
        r"\b(?:one|left|right) side" + W + r"\s+(?:is |went |feels |of my body )*(?:numb|weak|"
        r"paralyzed|dead|limp|can't move)",
    ),
    ("stroke", r"\b(?:move|feel|lift) (?:my |his |her )?(?:left |right )?(?:arm|leg|face|side)(?:\s+\S+){0,3}? (?:all of a sudden|suddenly)"),
    ("stroke", r"\bcan't (?:move|feel) (?:my |his |her )?(?:left |right )?(?:arm|leg|face|side)"),
    ("stroke", r"\b(?:can't|unable to) (?:speak|talk) (?:right|properly|clearly|suddenly)"),
    ("stroke", r"\bsudden(?:ly)?" + W + r"\s+(?:can't see|blind|lost (?:my )?vision|confus\w+|worst headache)"),
    ("stroke", r"\bworst headache (?:of|in) my life|\bthunderclap headache"),
    # breathing
    (
        "breathing",
        r"\b(?:can't|can barely|cannot|hardly|barely|unable to|struggling to|trouble|hard to|"
        r"difficulty|difficult to|not able to|problems?) (?:\S+ )?(?:breathe|breathing|breath)\b",
    ),
    ("breathing", r"\b(?:can't|couldn't) (?:catch|get) (?:my|his|her|a) breath"),
    ("breathing", r"\b(?:short|shortness) of breath|\bout of breath\b|\bbreathless"),
    ("breathing", r"\b(?:not|stopped|isn't|is not|wasn't) breathing"),
    ("breathing", r"\bgasping|\bsuffocat\w+|\bchoking\b|\bchoked\b"),
    ("breathing", r"\b(?:lips|face|skin)" + W + r"\s+(?:turning |is |are |went |going )?(?:blue|purple|gray|grey)"),
    ("breathing", r"\bturning blue|\bwheez\w+ (?:badly|bad|really bad|a lot|and)"),
    ("breathing", r"\basthma attack|\binhaler (?:isn't|is not|not) (?:working|helping)"),
    # bleeding
    (
        "bleeding",
        r"\bbleed\w*" + W + r"\s+(?:heavily|a lot|badly|bad|profusely|everywhere|nonstop|"
        r"non stop|so much|really bad|won't stop|will not stop|doesn't stop|not stopping|"
        r"hasn't stopped|and (?:it )?won't stop)",
    ),
    ("bleeding", r"\bwon't stop bleeding|\bcan't stop (?:the )?bleeding|\bbleeding out\b"),
    ("bleeding", r"\b(?:blood everywhere|lots of blood|so much blood|gushing|spurting|pool of blood)"),
    (
        "bleeding",
        r"\b(?:coughing|cough|vomiting|throwing|threw|puking|spitting) (?:up )?blood",
    ),
    ("bleeding", r"\b(?:blood in|bloody) (?:my )?(?:vomit|stool)|\bblack tarry"),
    ("bleeding", r"\bhemorrhag\w+|\bsoak\w* (?:through )?(?:a |one )?pads?" + W + r"\s+(?:hour|hr)"),
    ("bleeding", r"\bpregnant" + W5 + r"\s+(?:bleeding|blood)|\bbleeding" + W5 + r"\s+pregnant"),
    ("bleeding", r"\b(?:deep|bad|big) (?:cut|gash|wound)" + W5 + r"\s+(?:bleed|blood|stitches)"),
    # anaphylaxis
    (
        "anaphylaxis",
        r"\b(?:throat|airway|tongue|lips|face|mouth)" + W + r"\s+(?:is |are |feels |keeps )?"
        r"(?:closing|swell\w*|swollen|puff\w* up|tight|blowing up)",
    ),
    ("anaphylaxis", r"\banaphyla\w*"),
    (
        "anaphylaxis",
        r"\b(?:used|use|gave|give|needed|need to use|had to use|using) (?:my |his |her |an |the )?"
        r"epipen|\bepipen (?:didn't|did not|isn't|not) work",
    ),
    (
        "anaphylaxis",
        r"\b(?:severe|bad|serious|terrible|major|strong) allergic reaction|\ballergic reaction"
        + W5 + r"\s+(?:right now|now|can't|swell\w*|hives|breath\w*|throat)",
    ),
    ("anaphylaxis", r"\bhives" + W5 + r"\s+(?:breath\w*|throat|swell\w*|tongue|lips)"),
    ("anaphylaxis", r"\b(?:stung|bee sting|ate (?:a )?peanut)" + W5 + r"\s+(?:swell\w*|breath\w*|throat|hives)"),
    # suicide and self-harm (988)
    ("suicide", r"\bsuicid\w*|\bkill(?:ing)? (?:my ?self|myself)|\bend(?:ing)? (?:my|it) (?:own )?(?:life|all)\b"),
    ("suicide", r"\bend it all|\btake my (?:own )?life|\bno (?:reason|point) (?:to|in) (?:live|living|going on)"),
    ("suicide", r"\b(?:want|wanna|going|gonna|ready) (?:to )?die\b|\bwish i (?:was|were) dead|\bbetter off dead"),
    ("suicide", r"\b(?:don't|do not) want to (?:live|be alive|be here|wake up|exist)"),
    ("suicide", r"\b(?:hurt|harm|cut|cutting|hurting|harming) (?:my ?self|myself)|\bself ?harm"),
    ("suicide", r"\bnot (?:want|wanting) to (?:live|be alive)|\blife (?:isn't|is not) worth"),
    ("suicide", r"\bdisappear (?:forever|for good)|\b(?:not|never) (?:to )?wake up\b(?! on time| early| in time)|\b(?:see|have|is) (?:a|any|no) (?:reason|point) (?:to|in) (?:go on|going on|live|living|keep going)|\bsay goodbye to everyone|\bcan't go on (?:anymore|any more|like this)"),
    # overdose and poisoning
    ("overdose", r"\boverdos\w*|\bo\.d\.?|\bo+d'?d\b|\bod'?ing\b"),
    (
        "overdose",
        r"\b(?:took|taken|take|swallowed|ate|downed|popped|chugged|had|gave|drank) "
        r"(?:\S+ ){0,3}?(?:the whole|an entire|a whole|all (?:of )?(?:my|the|his|her)|"
        r"all the|the rest of (?:my|the)|a handful of|handfuls of|a bunch of|way too many|too many|to many|"
        r"too much|a lot of|double|triple|\d{2,}|twenty|thirty|forty|fifty)\s+"
        r"(?:\S+ ){0,2}?(?:pills?|tablets?|capsules?|medication|bottle|pack|box|doses?|"
        r"insulin|tylenol|advil|aspirin|xanax|sleeping|opioids?|oxy\w*|percocet|acetaminophen)",
    ),
    ("overdose", r"\b(?:whole|entire) (?:bottle|pack|box|blister) of|\b(?:took|swallowed|ate|drank|downed) (?:a|an|the|her|his|my) (?:\S+ )?bottle of"),
    ("overdose", r"\b(?:swallowed|took|ate) (?:\S+ ){0,3}?(?:pills?|tablets?) (?:on purpose|to die)"),
    (
        "poisoning",
        r"\bpoison\w*|\b(?:drank|drink|swallowed|ate|eaten|ingested|licked) (?:\S+ ){0,3}?"
        r"(?:bleach|antifreeze|detergent|laundry \S*|tide pod|drain cleaner|cleaner|chemicals?|"
        r"gasoline|kerosene|lighter fluid|pesticide|weed killer|rat poison|battery|batteries|"
        r"lamp oil|mushrooms? from|mouthwash)",
    ),
    ("poisoning", r"\bcarbon monoxide|\bco alarm|\bgas leak"),
    # seizures and unconsciousness
    (
        "seizure",
        r"\b(?:having|had|has|is having|just had|another|in|keeps having) (?:a )?(?:seizure|fit)\b"
        + NEG_MED,
    ),
    ("seizure", r"\bseizing|\bconvuls\w+|\bshaking uncontrollably|\bepileptic fit"),
    ("seizure", r"\bseizure (?:right now|now|won't stop|for|happening|is happening|going on)"),
    (
        "unconscious",
        r"\bunconscious|\bunresponsive|\bpassed out|\bpassing out|\bwon't wake|\bwill not wake|"
        r"\bnot waking|\bcan't wake|\bcollapsed|\bblacked out|\bfainted|\bnot responding|"
        r"\bno pulse|\bnot moving and",
    ),
    # injuries and other emergencies
    (
        "injury",
        r"\b(?:stabbed|been shot|got shot|gunshot|shot wound|was shot|car (?:crash|accident)|"
        r"hit by a car|bone (?:is )?sticking out|fell (?:off|from) (?:a |the )?(?:roof|ladder))",
    ),
    ("injury", r"\bhit (?:my|his|her) head" + W5 + r"\s+(?:vomit\w*|throw\w* up|confus\w*|pass\w* out|sleepy)"),
    ("injury", r"\bsevere (?:burn|burns|head injury)|\b(?:burned|burnt) (?:my|his|her) (?:face|whole)"),
    ("harm_others", r"\b(?:kill|hurt|harm) (?:him|her|them|someone|somebody|people|my (?:wife|husband|kids))"),
    ("pregnancy", r"\bwater (?:just )?broke|\b(?:baby|labor|contractions)" + W + r"\s+(?:coming|minutes apart)"),
    ("pregnancy", r"\bbaby (?:isn't|is not|not|stopped) (?:breathing|moving)"),
    ("emergency", r"\b(?:this is an|it's an|having an|have an|medical) emergency\b(?! contact)"),
    ("emergency", r"\bcall (?:an )?(?:911|ambulance)|\bneed (?:an )?ambulance|\bdying\b(?! to)"),
    ("emergency", r"\bsevere (?:abdominal|stomach|belly) pain|\bsudden severe pain"),
    ("emergency", r"\b(?:high fever|fever)" + W5 + r"\s+(?:stiff neck|confused|newborn|seizure)"),
    ("emergency", r"\bconfused" + W5 + r"\s+(?:can't|doesn't) (?:recognize|know)"),
    # Spanish
    ("chest_pain", r"\bdolor (?:fuerte )?(?:de|en el|en mi) pecho|\bme duele (?:mucho )?el pecho|\bpresion en el pecho|\binfarto|\bataque al corazon"),
    ("breathing", r"\bno puedo respirar|\bme falta (?:el )?aire|\bme ahogo|\bahogando|\bdificultad para respirar|\bno (?:puede|respira)\b"),
    ("stroke", r"\bderrame\b|\bcara (?:caida|dormida|torcida)|\bno puedo hablar bien|\bembolia"),
    ("bleeding", r"\bsangr\w+ (?:mucho|muchisimo|sin parar|demasiado)|\bno (?:para|deja) de sangrar|\bmucha sangre|\bvomit\w+ sangre|\btos con sangre"),
    ("suicide", r"\bsuicid\w*|\bmatarme|\bquitarme la vida|\bno quiero vivir|\bquiero morir\w*|\bhacerme dano|\bme quiero matar|\bacabar con (?:mi vida|todo)"),
    ("overdose", r"\bsobredosis|\bme tome (?:todo el frasco|todas las pastillas|muchas pastillas|demasiadas)|\b(?:se|me|te) tomo (?:todo el frasco|todas (?:las|sus|mis) pastillas|muchas pastillas|demasiadas)|\btome (?:todo el frasco|todas las pastillas|demasiadas pastillas)|\bfrasco entero"),
    ("poisoning", r"\benvenen\w+|\bveneno|\b(?:tomo|bebio|trago|tome|bebi) (?:\S+ )?(?:cloro|lejia|blanqueador)"),
    ("seizure", r"\bconvulsi\w+|\bataque epileptico|\besta convulsionando"),
    ("unconscious", r"\bdesmay\w+|\binconsciente|\bno (?:despierta|quiero despertar)|\bno responde|\bperdio el conocimiento"),
    ("anaphylaxis", r"\b(?:se me cierra|cerrando) la garganta|\b(?:lengua|garganta|labios|cara) hinchad\w+|\breaccion alergica (?:grave|fuerte|severa)"),
    ("emergency", r"\bemergencia\b|\bambulancia"),
]

_EMERGENCY = [(cat, re.compile(rx)) for cat, rx in EMERGENCY_RULES]

# --- clinical-question rules ----------------------------------------------------------------

MED_ACTS = (
    r"(?:take|taking|took|stop|stopping|quit|start|starting|skip|skipping|double|increase|"
    r"decrease|lower|raise|change|changing|switch|keep taking|mix|mixing|combine|drink|"
    r"drinking|eat|eating|split|crush|cut|use|using|give|giving|come off|go off|get off|wean|"
    r"cut back|cut down|up|reduce|restart|resume|continue|try|swap|replace)"
)

# Each rule: (category, regex, context). Context "med": the clause must name a medicine, a
# medicine word or a medical word; "medical": a medical word or medicine; "": none needed.
CLINICAL_RULES: list[tuple[str, str, str]] = [
    # whether to take, stop or change a medicine or dose
    (
        "medication_decision",
        r"\b(?:should|shall|can|could|may|must|do|would it be okay if|is it okay (?:if|to)|"
        r"is it (?:safe|fine|bad|alright|all right|dangerous) (?:if|to)|okay to|safe to|fine to|"
        r"alright to|all right to|better to|need to|have to|supposed to|allowed to|ought to)\s+"
        r"(?:i |we |he |she |they |my (?:\S+ )?)?(?:still |just |really |even |also |ever )?"
        + MED_ACTS + r"\b",
        "med",
    ),
    ("medication_decision", r"\bhow (?:much|many|often|long)\b" + W5 + r"\s+(?:take|taking|use|give|dose|mg|pills?|tablets?|medication)", "med"),
    ("medication_decision", r"\bwhen (?:should|do|can) (?:i|we|he|she) (?:take|stop|start|give|use)", "med"),
    ("dose", r"\b(?:what|right|correct|the|max|maximum|safe|higher|lower|new|usual|my) dos(?:e|age|es|ing)\b|\bdosage|\bhow many mg|\bmg (?:is|are|too|should)", ""),
    ("dose", r"\b(?:missed|forgot|forgotten|skipped) (?:to take )?(?:a |my |one |the |last night's |this morning's )?(?:dose|pill|tablet|shot|injection|medication)", ""),
    ("side_effects", r"\bside ?effects?|\badverse (?:effect|reaction)|\breact(?:ion|ing) to (?:the|my|this)", ""),
    ("side_effects", r"\b(?:is|are|could|can|does|do|did) (?:\S+ ){0,4}?(?:making|giving|causing) me\b", "med"),
    ("interactions", r"\binteract\w*|\bcontraindicat\w*", ""),
    ("interactions", r"\b(?:together|at the same time|along) with\b|\bwith (?:alcohol|beer|wine|grapefruit|drinking)|\bmix(?:ed|ing)? (?:\S+ )?with", "med"),
    ("pregnancy_meds", r"\b(?:while|when|if) (?:i'm |i am |im )?(?:pregnant|breast ?feeding|nursing|trying to conceive)", ""),
    # diagnosis and what a symptom means
    ("meaning", r"\bwhat (?:does|do|did|would|could) (?:it|this|that|these|those|my \S+(?: \S+)?) (?:mean|indicate|signify|suggest|say about)", "notbilling"),
    ("meaning", r"\b(?:does|do|could|would|might|can) (?:this|that|it|these|those) (?:mean|indicate|be a sign|be signs?|be a symptom|be cancer|be serious)", "notbilling"),
    ("meaning", r"\b(?:is|are|was) (?:this|that|it|these|those|mine|my \S+(?: \S+)?) (?:normal|serious|bad|dangerous|concerning|a concern|worrying|cancer|cancerous|infected|contagious|broken|fractured|a sign|a symptom|too (?:high|low))\b", "notbilling"),
    ("meaning", r"\b(?:is|are) (?:it|this|that) (?:normal|common|okay|bad|safe) (?:to|for|that|if)", "medical"),
    ("diagnosis", r"\b(?:do|could|might|can|would) (?:you think )?(?:i|he|she|my \S+|it|this) (?:have|has|got|be|mean) (?:\S+ ){0,3}?{M}", ""),
    ("diagnosis", r"\bam i (?:sick|pregnant|diabetic|dying|contagious|allergic|at risk|having|getting|developing)", ""),
    ("diagnosis", r"\bdiagnos\w+|\bprognos\w+|\bwhat'?s wrong with (?:me|my|him|her)|\bwhat (?:is|could be) (?:wrong|causing|going on with (?:me|my))", ""),
    ("symptom", r"\bsymptoms? of\b|\bsigns? of\b", ""),
    ("symptom", r"\bwhy (?:do|does|am|is|are|did|would|have|has|can't|won't|do i|does my) (?:i|my|me|it|he|she|they|\S+)\b", "medical"),
    ("symptom", r"\bi (?:have|got|get|keep getting|am having|'ve had|have had|'m having|feel|felt|been feeling|been having|noticed) (?:\S+ ){0,4}?{M}\b(?:\s+\S+){0,8}?\s*(?:\?|what|should|is|why|could|normal|worried|worry|help|anything|do|does)", "question"),
    ("symptom", r"\b(?:should|do) i (?:be )?(?:worr\w+|concerned|scared|afraid)|\bshould i (?:go to the er|go to the hospital|see a|ice|heat|rest|exercise|worry|be worried|avoid|apply|wear)\b", ""),
    ("symptom", r"\bis (?:it|this) (?:something|anything) (?:to worry|serious|i should)", ""),
    # what to do about a condition; treatment
    ("treatment", r"\bhow (?:do|can|should|could) (?:i|we|you|one|he|she|my \S+) (?:treat|cure|fix|heal|get rid|stop|prevent|relieve|lower|reduce|raise|manage|control|ease|help|deal|soothe|bring down|improve|lose|avoid|know if)", "medical"),
    ("treatment", r"\bwhat (?:should|can|could|do) (?:i|we|he|she) (?:do|take|use|try|eat|drink|put|avoid) (?:about|for|to|if|when|with|on|now|after|because)\b", "medical"),
    ("treatment", r"\bwhat (?:should|can) i (?:take|use|try|eat)\b", ""),
    ("treatment", r"\b(?:home )?remed(?:y|ies)|\btreatments? (?:for|of|options)|\bcure (?:for|of)|\bis there (?:a|any) (?:cure|treatment|medication|pill|drug)", ""),
    ("treatment", r"\b(?:best|good|right|strongest|any) (?:medication|drug|pill|antibiotic|treatment|cream|ointment|painkiller|remedy) (?:for|to)\b", ""),
    ("treatment", r"\bwhat (?:helps|works|is good|is best|can help) (?:for|with)\b|\bwhat (?:can|could|should) i take\b", "medical"),
    ("treatment", r"\bdo i need (?:antibiotics|stitches|surgery|a \S+ (?:test|scan|shot)|to (?:see|go|get) (?:a|the) (?:doctor|er|hospital|specialist))", ""),
    ("prognosis", r"\bhow long (?:does|do|will|until|before|is|are|should|can|for)\b" + W5 + r"\s+(?:last|heal|take to heal|recover|go away|be contagious|contagious|get better|work|kick in|stay|live|survive)", "medical"),
    ("prognosis", r"\b(?:life expectancy|survival rate|chance of (?:survival|recovery)|is it (?:curable|fatal|terminal|hereditary|genetic))", ""),
    # what a result means
    (
        "result_meaning",
        r"\b(?:results?|labs?|test|tests|levels?|numbers?|readings?|a1c|cholesterol|ldl|hdl|"
        r"glucose|sugar|blood pressure|psa|tsh|white count|x ray|xray|mri|scan|biopsy|ekg|ecg|"
        r"panel|count|bloodwork)\b" + W5 + r"\s+(?:mean|means|meant|say|said|show|shows|showed|indicate\w*|"
        r"high|low|elevated|abnormal|bad|normal|positive|negative|flagged|out of range|too high|too low|worse|better)\b",
        "",
    ),
    ("result_meaning", r"\b(?:is|are) (?:a |an |my )?(?:\d+(?:\.\d+)?|\d+ over \d+|\d+/\d+)\b" + W + r"\s*(?:high|low|normal|bad|good|okay|too|dangerous|safe)", ""),
    ("result_meaning", r"\b(?:explain|interpret|understand|read) (?:my |the |these |this )?(?:results?|labs?|report|numbers|test|scan|x ray|mri|values)", ""),
    ("result_meaning", r"\bnormal (?:range|level|value|reading)", ""),
    ("result_meaning", r"\b(?:look|looked|looks|seem|seemed|seems|came back|come back|comes back) (?:\S+ )?(?:normal|okay|fine|good|bad|abnormal|worse|better|clear|positive|negative)\b", "medical"),
    # generic medical knowledge questions
    ("medical_question", r"\bwhat (?:is|are|causes|cause|triggers|happens|are the|is the|'s) (?:\S+ ){0,5}?{M}", ""),
    ("medical_question", r"\b(?:can|does|do|will|could|is|are) (?:\S+ ){0,5}?(?:cause|causes|help|helps|cure|cures|treat|treats|prevent|prevents|worsen|affect|affects|trigger|triggers|lead to|spread|contagious|hereditary|harmful|dangerous|fatal|addictive|safe|effective|work)\b", "medical"),
    ("medical_question", r"\b(?:tell me|information|info|learn|know|read) (?:\S+ ){0,3}?(?:about|on|regarding) (?:\S+ ){0,3}?{M}", ""),
    ("medical_question", r"\bsecond opinion on (?:my )?(?:diagnosis|treatment)|\bmedical advice|\bis (?:there|it) (?:a )?(?:generic|cheaper|alternative|substitute)", ""),
    ("medical_question", r"\b(?:who|what company) (?:makes|manufactures|produces|sells)|\bmanufactur\w+|\bwhere (?:can|do) i (?:buy|get|find|order) (?:\S+ ){0,3}?{M}", ""),
    ("medical_question", r"\b(?:questions?|concerns?|asking|wondering|worried|curious) (?:\S+ ){0,6}?{M}", ""),
    ("medical_question", r"{M}(?:\s+\S+){0,12}?\s*\?", "question"),
    ("medical_question", r"\b(?:is|are) (?:it|this|that|they|there|these|those|\S+) (?:\S+ ){0,6}?(?:safe|dangerous|harmful|effective|risky|toxic)\b", "question"),
    ("medical_question", r"\b(?:need|want|looking for|send|send me|any|more|get) (?:some |more |any )?(?:info|information|details|literature|booklets?|pamphlets?|brochures?|resources|support|support groups?|help)\b(?:\s+\S+){0,3}?\s*(?:about|on|for|with|regarding|$)", "question"),
    ("medical_question", r"\b(?:information|info|details|literature|booklets?|pamphlets?|brochures?|resources) (?:\S+ ){0,2}?(?:about|on|for|regarding)\b", "medical"),
    ("medical_question", r"\b(?:support|resources?) (?:groups? )?(?:for|available for) (?:people|patients|families|someone|those)", ""),
    ("treatment", r"\b(?:can|could|should|do|would) (?:i|he|she|we|they|my \S+) (?:\S+ ){0,2}?(?:have|get|do|undergo) (?:\S+ ){0,4}?(?:done|removed|surgery|operation|procedure|transplant|implant|replaced|fixed|repaired|screened|reversed)\b", ""),
    ("treatment", r"\b(?:want|need|looking for|seeking|searching for|get) (?:a |an |some |the |any )?(?:treatment|cure|therapy|remedy|solution|medical help|medicine for|medication for)\b", ""),
    ("medical_question", r"\b(?:precautions?|safety concerns?|outlook|complications?|risk factors?|at (?:high )?risk|how many people (?:are )?(?:affected|get|have)|brand names?|inherit\w*|genetic changes|causes? of|long ?term effects?|prevent\w*|recover\w*|life span|lifespan|expir\w*|out of date|overdosage|storage conditions)\b", "question"),
    ("medical_question", r"\b(?:information|info|details|facts|literature|articles?|research|studies|study|trials?|data) (?:\S+ ){0,3}?(?:about|on|regarding|for|of|into)\b", "question"),
    ("medical_question", r"\bwhat (?:is|are) \( are \)|\bwhat (?:is|are) (?:the )?(?:outlook|treatments?|symptoms|causes|stages|types|signs|complications|chances|odds|side)", ""),
    ("medical_question", r"\b(?:help|advise|advice|suggest\w*|recommend\w*|guide|guidance|solution|cure)\b(?:\s+\S+){0,6}?\s+(?:me|us|him|her|my|for|with|on)\b(?:\s+\S+){0,8}?\s+{M}", ""),
    ("medical_question", r"{M}(?:\s+\S+){0,8}?\s+(?:help|advise|advice|suggest\w*|recommend\w*|guide|guidance|solution|cure)\b", "question"),
    # Spanish
    ("medication_decision", r"\b(?:debo|puedo|tengo que|es seguro|esta bien|se puede|deberia|podria) (?:\S+ ){0,2}?(?:tomar|dejar|cambiar|suspender|parar|aumentar|bajar|subir|mezclar|combinar|beber|comer)\b", "med"),
    ("dose", r"\bdosis|\bcuant(?:o|a|os|as) (?:\S+ )?(?:pastillas|mg|miligramos|tomo|debo tomar)", ""),
    ("side_effects", r"\befectos? (?:secundarios?|adversos?)|\binteracci\w+|\breaccion a\b", ""),
    ("meaning", r"\bque (?:significa|quiere decir|indica)|\b(?:es|son) (?:normal|normales|grave|graves|peligroso|malo|cancer)\b|\bsignifica que", ""),
    ("diagnosis", r"\b(?:tengo|tendre|sera que tengo|podria tener|sera) (?:\S+ ){0,3}?(?:cancer|diabetes|infeccion|covid|gripe|algo grave|algo malo)|\bdiagnostic\w+", ""),
    ("treatment", r"\bcomo (?:puedo |se )?(?:curar|tratar|quitar|aliviar|bajar|controlar|calmar)|\bque (?:puedo|debo) (?:tomar|hacer|usar) (?:para|con|si)|\bremedio(?:s)? (?:para|casero)|\btratamiento para", ""),
    ("symptom", r"\bpor que (?:me|tengo|siento|estoy)|\bme (?:duele|arde|pica|sale|salio)\b" + W5 + r"\s*(?:\?|que|es normal|debo|por que)", ""),
    ("result_meaning", r"\b(?:resultados?|analisis|examen|nivel(?:es)?|azucar|colesterol|presion)\b" + W5 + r"\s+(?:significa|salio|salieron|alto|alta|altos|bajo|baja|bajos|normal|mal)", ""),
]

BILLING_WORDS = re.compile(
    r"\b(?:bill|billed|billing|charge|charges|charged|statement|copay|co-pay|deductible|"
    r"invoice|balance|eob|fee|fees|cost|price|payment|paid|owe|insurance|portal|text|texts|"
    r"message|email|link|code|letter|form|voicemail|website|app)\b"
)
MED_NOUNS = re.compile(
    r"\b(?:medication|pill|pills|tablet|tablets|capsules?|drugs?|dose|doses|dosage|shot|shots|"
    r"injection|alcohol|beer|wine|prescription|prescribed|antibiotics?|painkillers?|cream|"
    r"ointment|drops|patch|inhaler|vitamins?|supplements?|herbs?|pastillas?|medicamentos?|"
    r"medicina|insulina|alcohol)\b"
)
OPERATIONAL_ASK = re.compile(
    r"\b(?:refill|refills|renew|book|schedule|appointment|appt|reschedule|cancel|confirm|"
    r"pharmacy|pick ?up|sent to|send (?:it|the)|call (?:in|me)|ready|visit|message (?:to|for)|"
    r"hours|open|address|parking|location|directions|balance|payment|copay|"
    r"cita|farmacia|receta|resurtir|back yet|come back|came back|come in|in yet|any word|"
    r"arrived|posted|available|listos?|llegaron|get my|receive|received|fax\w*|sent|send)\b"
    r"|\bback(?:\s*\?|\s*$)"
)
_CLINICAL = [
    (cat, re.compile(rx.replace("{M}", medical_pattern())), ctx) for cat, rx, ctx in CLINICAL_RULES
]

def emergency_check(text: str) -> Finding:
    """An emergency finding, or NONE. Past-tense history in a booking sentence ("I had a
    seizure last year, book a follow-up") still counts: an emergency is never guessed away."""
    norm = normalize(text)
    for category, rx in _EMERGENCY:
        found = rx.search(norm)
        if found:
            return Finding(
                Verdict.EMERGENCY,
                category=category,
                matched=found.group(0).strip(),
                crisis=category == "suicide",
            )
    return NONE


_CLAUSE_SPLIT = re.compile(
    r"(?<=[.?!;])\s+|\n+|\s+(?:and also|also|but|plus|and|then|y tambien|tambien|pero|ademas|y)\s+"
    r"(?=(?:should|can|could|is|are|does|do|what|why|how|will|would|am|debo|puedo|es|que|por)\b)"
)


def clauses(text: str) -> list[str]:
    """The message cut into sentences and joined questions ("book me in, and should I...")."""
    norm = normalize(text)
    return [part.strip(" ,") for part in _CLAUSE_SPLIT.split(norm) if part and part.strip(" ,")]


def _context_holds(context: str, part: str) -> bool:
    if not context:
        return True
    if context == "notbilling":
        return not BILLING_WORDS.search(part) or mentions_medical(part)
    if context == "med":
        return bool(MED_NOUNS.search(part) or medicines_in(part) or medical_words_in(part))
    if context == "medical":
        return bool(MED_NOUNS.search(part) or mentions_medical(part))
    if context == "question":  # a medical word in a question that asks for nothing operational
        return not OPERATIONAL_ASK.search(part)
    return False


def clinical_check(text: str) -> Finding:
    """A clinical-question finding naming the clinical parts of the message, or NONE."""
    hits: list[str] = []
    first = ("", "")
    for part in clauses(text):
        for category, rx, context in _CLINICAL:
            found = rx.search(part)
            if found and _context_holds(context, part):
                if not hits:
                    first = (category, found.group(0).strip())
                hits.append(part)
                break
    if not hits:
        return NONE
    return Finding(Verdict.CLINICAL, category=first[0], matched=first[1], clauses=tuple(hits))


def check(text: str) -> Finding:
    """The safety decision for one message: emergency first, then clinical, else NONE."""
    found = emergency_check(text)
    if found.is_emergency:
        return found
    return clinical_check(text)


def check_backend(intent: str, entities: dict) -> Finding:
    """Check what an understanding backend returned: an emergency or clinical intent, or any
    entity text that trips a rule, is treated exactly as if the patient had said it."""
    if intent == "emergency":
        return Finding(Verdict.EMERGENCY, category="backend", matched="backend intent")
    texts = " . ".join(str(v) for v in (entities or {}).values() if isinstance(v, str | int | float))
    found = check(texts) if texts else NONE
    if found.verdict != Verdict.NONE:
        return found
    if intent == "clinical_question":
        return Finding(Verdict.CLINICAL, category="backend", matched="backend intent")
    return NONE

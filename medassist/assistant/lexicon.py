# ruff: noqa: E501, SIM905 - rule tables: one readable rule a line, word lists as text
"""Word lists the safety layer and the entity extractor share: medicines (common generic and
brand names, and the stems most drug names end in), and medical words (symptoms, conditions,
body parts). Matching is on the normalized text of `safety.normalize`."""

from __future__ import annotations

import re
from functools import lru_cache

MEDICINES = """
acetaminophen tylenol ibuprofen advil motrin aleve naproxen aspirin excedrin paracetamol
metformin glipizide glyburide glimepiride insulin lantus humalog novolog levemir tresiba
ozempic wegovy mounjaro zepbound trulicity victoza januvia jardiance farxiga invokana
lisinopril enalapril ramipril benazepril losartan valsartan irbesartan olmesartan telmisartan
amlodipine nifedipine diltiazem verapamil metoprolol atenolol carvedilol propranolol bisoprolol
nebivolol labetalol hydrochlorothiazide hctz chlorthalidone furosemide lasix bumetanide torsemide
spironolactone triamterene clonidine hydralazine
atorvastatin lipitor simvastatin zocor rosuvastatin crestor pravastatin lovastatin ezetimibe
warfarin coumadin eliquis apixaban xarelto rivaroxaban pradaxa dabigatran clopidogrel plavix
heparin enoxaparin lovenox digoxin amiodarone nitroglycerin
levothyroxine synthroid armour methimazole
omeprazole prilosec pantoprazole protonix esomeprazole nexium lansoprazole famotidine pepcid
ranitidine zantac tums antacid ondansetron zofran metoclopramide reglan loperamide imodium
miralax docusate senna dulcolax laxative
amoxicillin augmentin penicillin azithromycin zpack z-pack doxycycline cephalexin keflex
ciprofloxacin cipro levofloxacin bactrim sulfamethoxazole nitrofurantoin macrobid clindamycin
metronidazole flagyl antibiotic antibiotics fluconazole diflucan valacyclovir valtrex acyclovir
tamiflu oseltamivir paxlovid
prednisone prednisolone methylprednisolone medrol dexamethasone hydrocortisone cortisone
steroid steroids
albuterol ventolin proair inhaler symbicort advair flovent breo spiriva montelukast singulair
epipen epinephrine benadryl diphenhydramine zyrtec cetirizine claritin loratadine allegra
fexofenadine flonase fluticasone nasacort sudafed pseudoephedrine mucinex guaifenesin
dextromethorphan nyquil dayquil
sertraline zoloft fluoxetine prozac escitalopram lexapro citalopram celexa paroxetine paxil
venlafaxine effexor duloxetine cymbalta bupropion wellbutrin mirtazapine trazodone
amitriptyline nortriptyline buspirone lithium lamotrigine lamictal quetiapine seroquel
aripiprazole abilify risperidone olanzapine zyprexa haloperidol
alprazolam xanax lorazepam ativan clonazepam klonopin diazepam valium zolpidem ambien
melatonin hydroxyzine
adderall ritalin methylphenidate vyvanse concerta strattera
gabapentin neurontin pregabalin lyrica cyclobenzaprine flexeril methocarbamol baclofen
tizanidine meloxicam celecoxib celebrex diclofenac voltaren indomethacin
tramadol oxycodone hydrocodone vicodin norco percocet morphine codeine fentanyl dilaudid
hydromorphone suboxone buprenorphine methadone naloxone narcan opioid opioids
levetiracetam keppra phenytoin dilantin carbamazepine tegretol topiramate topamax
valproate depakote sumatriptan imitrex rizatriptan
sildenafil viagra tadalafil cialis finasteride tamsulosin flomax oxybutynin
estradiol estrogen progesterone testosterone birth control contraceptive
alendronate fosamax calcium vitamin vitamins multivitamin iron supplement supplements
folic biotin magnesium potassium zinc fish oil probiotic turmeric ashwagandha cbd
allopurinol colchicine methotrexate hydroxychloroquine plaquenil humira enbrel
donepezil aricept memantine carbidopa levodopa
tamoxifen letrozole anastrozole chemo chemotherapy
vaccine vaccines shot booster
cetirizine nulytely bromocriptine
""".split()

MEDICINE_STEMS = (
    r"\w+(?:pril|sartan|olol|dipine|statin|formin|gliptin|gliflozin|glutide|tide|azole|prazole|"
    r"tidine|cillin|mycin|cycline|floxacin|oxacin|vir|mab|nib|zumab|ximab|azepam|zolam|codone|"
    r"morphone|triptan|oxetine|pramine|triptyline|setron|semide|thiazide|parin|xaban|lukast|"
    r"terol|sone|olone|asone|afil|osin|dronate|tropin|caine|barbital|profen|fenac|coxib)"
)

MEDICAL_WORDS = """
pain pains ache aches aching hurt hurts hurting sore soreness swelling swollen lump lumps bump
rash rashes hives itch itching itchy burning tingling numbness numb cramp cramps cramping
fever fevers chills sweats cough coughing sneezing congestion mucus phlegm wheezing
headache headaches migraine migraines dizzy dizziness vertigo faint fatigue tired exhausted
nausea nauseous vomiting vomit diarrhea constipation bloating heartburn reflux indigestion
bleeding blood bruise bruising discharge infection infected inflamed inflammation pus abscess
blister blisters wart warts mole moles acne eczema psoriasis dermatitis
anxiety anxious depression depressed panic insomnia sleepless
palpitations arrhythmia afib tachycardia murmur
diabetes diabetic prediabetes hypertension hypotension cholesterol triglycerides thyroid
hypothyroidism hyperthyroidism asthma copd bronchitis pneumonia emphysema allergy allergies
allergic arthritis osteoarthritis rheumatoid gout lupus fibromyalgia osteoporosis
cancer tumor tumour malignant benign leukemia lymphoma melanoma carcinoma chemo radiation
covid flu influenza strep sinusitis sinus tonsillitis mono shingles herpes hpv hiv
hepatitis std sti chlamydia gonorrhea syphilis uti yeast fungal fungus bacterial viral virus
stroke seizure seizures epilepsy dementia alzheimer alzheimers parkinson parkinsons
neuropathy sciatica concussion fracture fractured sprain sprained strain tendonitis bursitis
hernia ulcer ulcers gallstones kidney stones appendicitis colitis crohn ibs celiac
anemia anemic clot clots thrombosis embolism aneurysm
pregnancy pregnant miscarriage menstrual menopause endometriosis pcos fertility
infertility erectile prostate testicle ovary ovaries uterus cervix breast
obesity overweight cholesterol glucose sugar a1c insulin metabolic
syndrome disease disorder condition illness deficiency symptoms symptom diagnosis
prognosis disorder genetic hereditary chronic acute
chest heart lungs lung liver kidney kidneys bladder bowel stomach abdomen belly throat tonsils
ear ears eye eyes vision nose skin scalp hair nails teeth tooth gums jaw neck shoulder
spine hip hips knee knees ankle foot feet toe toes wrist finger fingers elbow leg
legs arm arms muscle muscles joint joints bone bones nerve nerves brain gland glands lymph
colon rectum anus penis vagina vaginal urine urinating urination pee stool poop
mri xray x-ray ct scan ultrasound biopsy ekg ecg mammogram colonoscopy endoscopy
labs lab bloodwork psa tsh ldl hdl creatinine hemoglobin platelets cbc
surgery operation transplant dialysis therapy physiotherapy injection injections
contagious immune immunity autoimmune vaccine vaccination antibodies
health healthy medical suffering suffer suffers sick sickness ill illness diet dieting obese
treatment treatments cure therapy toothache dentist dental disability handicap disabled
mutation mutations dna gene genes genetic syndrome palsy apnea jaundice sores sore erection
fertilization ivf urinate catheter oxygen foreskin circumcision genitals genital
gallbladder pancreas spleen appendix thyroid necrosis degeneration dystrophy fibrosis
sclerosis stem cells cell transplant hormone hormones
dolor duele fiebre tos mareo nausea vomito diarrea sangre presion azucar diabetes cancer
infeccion alergia embarazada embarazo pastilla pastillas medicamento medicina receta
""".split()

_MED = frozenset(MEDICINES)
_MEDICAL = frozenset(MEDICAL_WORDS)
_STEM = re.compile(r"\b" + MEDICINE_STEMS + r"\b")
_WORD = re.compile(r"[a-z][a-z'-]+")

# common words the medicine stems would take for drug names
NOT_MEDICINES = frozenset(
    """
    reason reasons person lesson season poison tuesday monday response responses
    someone anyone license advice device service
    """.split()
)


@lru_cache(maxsize=4096)
def medicines_in(norm: str) -> tuple[str, ...]:
    """Medicine names in a normalized message (lexicon words and drug-like stems)."""
    found: list[str] = []
    words = _WORD.findall(norm)
    for i, word in enumerate(words):
        if word in _MED:
            name = word
            if word in {"birth", "fish", "folic"} and i + 1 < len(words):
                name = f"{word} {words[i + 1]}"
            found.append(name)
        elif len(word) >= 6 and word not in NOT_MEDICINES and _STEM.fullmatch(word):
            found.append(word)
    return tuple(dict.fromkeys(found))


@lru_cache(maxsize=4096)
def medical_words_in(norm: str) -> tuple[str, ...]:
    """Symptom, condition and body words in a normalized message (not medicine names)."""
    return tuple(dict.fromkeys(w for w in _WORD.findall(norm) if w in _MEDICAL))


def mentions_medical(norm: str) -> bool:
    return bool(medicines_in(norm) or medical_words_in(norm))


@lru_cache(maxsize=1)
def medical_pattern() -> str:
    """A regex alternation matching one medical word, medicine name or drug-like stem."""
    words = sorted(_MEDICAL | _MED, key=len, reverse=True)
    return r"(?:\b(?:" + "|".join(re.escape(w) for w in words) + r")\b|\b" + MEDICINE_STEMS + r"\b)"


@lru_cache(maxsize=1)
def lexicon_words() -> tuple[str, ...]:
    """Medicine and medical words of six letters or more, sorted: the targets of typo
    correction."""
    return tuple(sorted(w for w in _MEDICAL | _MED if len(w) >= 6 and w.isalpha()))

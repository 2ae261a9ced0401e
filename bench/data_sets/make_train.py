# ruff: noqa
"""Writes medassist/assistant/data/train.jsonl. The training set's phrasings are written by hand
in this file; slots (doctors, days, medicines, pharmacies) are filled from lists of their own.
Run make_eval.py after it: the evaluation set drops anything close to a training line.
Run: /work/main/.venv/bin/python bench/data_sets/make_train.py"""
from pathlib import Path
OUT = Path(__file__).resolve().parents[2] / "medassist" / "assistant" / "data"
import json, random, itertools
random.seed(14)
R = random.Random(14)
DR = ["Dr. Lee", "Dr. Patel", "Dr. Garcia", "Dr. Smith", "Dr. Nguyen", "the doctor", "my doctor", "Dr. Okafor"]
WHEN = ["next Tuesday", "tomorrow morning", "Friday afternoon", "the 14th", "next week", "Monday at 10", "this Thursday", "after 3 on the 12th", "sometime next month", "the earliest you have", "June 3rd", "this afternoon"]
MED = ["lisinopril", "metformin", "atorvastatin", "my blood pressure pills", "levothyroxine", "my inhaler", "sertraline", "amlodipine", "omeprazole", "my insulin", "gabapentin", "losartan"]
PH = ["CVS on Main", "Walgreens", "the Rite Aid on 5th", "Costco pharmacy", "my usual pharmacy", "the Walmart pharmacy"]
def fill(t):
    return t.format(dr=R.choice(DR), when=R.choice(WHEN), when2=R.choice(WHEN), med=R.choice(MED), ph=R.choice(PH))
T = {
"book": [
 "can i get in to see a doctor for my blood pressure check", "I'd like to book a visit for my back pain", "need appointment for my knee",
 "schedule a follow up about my diabetes", "I need to see someone about my rash", "I'd like a new patient visit with {dr}",
 "do you have any openings {when}", "when is the next opening", "what's the soonest appointment", "can i see someone {when}",
 "hola quiero una cita", "necesito ver al doctor", "quiero agendar", "tienen citas {when}", "puedo hacer una cita para mi hijo",
 "I need to make an appointment for a pre-op physical", "book me for a physical", "looking to get an appointment",
 "I'd like to book an appointment", "can I make an appointment with {dr}", "I need to see {dr} {when}",
 "schedule me for {when}", "do you have anything {when}", "book me in with {dr} please",
 "I need a physical", "need an appt {when}", "I want to schedule a checkup", "can I get in to see someone {when}",
 "what's the earliest appointment with {dr}", "I'd like a new patient appointment", "book a visit for my son",
 "is there an opening {when}", "I need to come in for a follow up", "can you fit me in {when}",
 "set up an appointment for me", "I want to see {dr} about my knee", "any slots {when}?", "make me an appointment",
 "I'd like to get a flu shot appointment", "I need to be seen {when}", "can I book the first available",
 "necesito una cita", "quiero hacer una cita con {dr}", "quisiera agendar una cita para {when}",
 "hola, me gustaría una cita", "need to book a annual exam", "i wanna see the doc {when}", "appointment please",
 "could I schedule a visit for my daughter {when}", "I need a sports physical for school",
 "book me something in the morning", "earliest opening please", "I'd like to come in {when} if possible",
 "can i get an apointment", "schedule an apt with {dr}", "I need a well child visit", "put me on the schedule {when}",
 "do you have availability {when} with {dr}", "I want to make an appointment for a pap smear",
 "I need a telehealth visit", "can I see a nurse practitioner {when}",
],
"reschedule": [
 "move it up an hour", "can i come earlier instead", "can you move my visit", "could we change the day",
 "quiero cambiar mi cita", "necesito cambiar el dia de mi cita", "can i change to a different doctor for my appointment",
 "I need to reschedule my appointment", "can I move my appointment to {when}", "change my appt to {when}",
 "I can't make it {when}, can we switch to {when2}", "please push my visit back a week", "move me to a later time",
 "I'd like to change the time of my appointment", "can we do {when} instead", "reschedule with {dr} please",
 "something came up, I need a different day", "can my appointment be moved earlier", "need to rebook my visit",
 "I have a conflict {when}, what else is open", "switch my appointment to the afternoon", "bump my appointment to {when}",
 "necesito cambiar mi cita", "puedo mover mi cita para {when}", "cambiar la cita por favor",
 "rescheduel my apt", "can i change my appointment day", "move my checkup to next month",
 "I want a different time for my visit", "can I come {when2} instead of {when}", "postpone my appointment",
 "my appointment needs to be changed", "I have to change my visit time with {dr}", "can we reschedule to {when}",
 "is there a later slot I can move to", "move it to the same time next week",
],
"cancel": [
 "I need to cancel my appointment", "cancel my appt {when}", "please cancel my visit with {dr}",
 "I won't be able to come, cancel it", "I want to cancel", "cancel my appointment please",
 "I'm not coming {when}", "please remove my appointment", "we need to cancel my son's appointment",
 "i cant make it, cancel", "call off my appointment", "drop my appointment {when}",
 "necesito cancelar mi cita", "cancele mi cita por favor", "quiero cancelar",
 "cancle my appointment", "I'd like to cancel my visit on {when}", "cancel everything I have scheduled",
 "no longer need the appointment, please cancel", "I have to cancel, sorry", "take me off the schedule for {when}",
 "cancel the {when} one", "I'm feeling better so cancel my visit",
],
"confirm": [
 "cuando es mi cita", "si voy a ir", "si, alli estare", "confirmado", "what time should I be there",
 "is my appointment at 2 or 3", "yes I'm still coming", "just want to make sure I have an appointment", "when do I see {dr} next",
 "is my visit still scheduled", "yes that works", "Y", "yes please confirm",
 "yes I'll be there", "confirm my appointment", "I confirm", "confirming for {when}", "yes confirm",
 "I will be there {when}", "just confirming my appointment with {dr}", "see you {when}", "yep I'm coming",
 "is my appointment still on for {when}", "when is my appointment", "what time is my appointment",
 "do I have an appointment {when}", "sí, confirmo", "confirmo mi cita", "yes", "C", "confirmed",
 "can you confirm my visit", "I'm still coming {when}", "count me in for {when}", "I'll be there on time",
 "what day is my next visit", "remind me when my appointment is", "am I still booked with {dr}",
],
"refill": [
 "can you send my prescription to {ph}", "my pharmacy needs a refill authorization", "refill for my thyroid medicine",
 "i need my diabetes medicine refilled", "necesito mi receta", "mandar receta a {ph}", "refill my water pill", "I'm out of my inhaler",
 "I need a refill for my son's medication", "pharmacy says the doctor has to approve my refill", "can you renew my script",
 "please authorize my refill", "need refill on cholesterol pills", "refill on my anxiety medication please",
 "I need a refill on {med}", "can you refill my {med}", "refill request for {med} to {ph}",
 "I'm out of {med}", "please send a refill of {med} to {ph}", "I need more {med}",
 "my prescription ran out", "can I get my {med} renewed", "I need my prescription refilled",
 "refill please", "running low on {med}", "need a new prescription for {med}",
 "can {dr} call in a refill", "send my meds to {ph}", "necesito un resurtido de {med}",
 "necesito mas medicina", "renovar mi receta de {med}", "my pharmacy says I have no refills left on {med}",
 "i need refil on my metformin", "pls refill {med}", "can you send {med} to {ph} instead",
 "I'm going on a trip and need an early refill of {med}", "refill my {med} at {ph}", "out of pills need refill",
 "my {med} prescription expired", "need 90 day supply of {med}",
],
"message_care_team": [
 "please tell the nurse I got my forms", "can {dr}'s assistant call me", "have someone from the office call me",
 "let my doctor know the specialist sent the report", "I want my nurse to call me about my paperwork", "message my doctor please",
 "can I leave a message for {dr}", "please pass a message to my doctor", "I want to send a note to the nurse",
 "tell {dr} I called", "can the nurse call me back", "I'd like to talk to my care team", "message for {dr}",
 "can you let {dr} know I'm doing better", "have the nurse give me a call", "I need to get a message to my doctor",
 "please ask {dr} to call me", "send a message to my provider", "I want to leave a voicemail for the nurse",
 "quiero dejar un mensaje para {dr}", "que la enfermera me llame", "dile al doctor que llamé",
 "can someone from the care team reach out", "i have a message for my doctors office", "please have {dr}'s nurse call me back",
 "I'd like {dr} to know I went to the ER last week", "forward this to my doctor please", "note for my care team",
],
"clinic_info": [
 "do you do x-rays on site", "do you have a pharmacy inside", "is there a lab in the building", "what do I bring for my physical",
 "que necesito llevar", "a que hora abren", "a que hora cierran", "tienen estacionamiento gratis", "aceptan medicare",
 "what's the address for the downtown office", "is the clinic open tomorrow", "are you closed on thanksgiving", "what is the parking situation",
 "do you accept humana", "do you take tricare", "can I use my medicaid there", "do you offer lab services", "are walk ins accepted",
 "how do I get there by bus", "do you have interpreters", "what are your weekend hours",
 "what are your hours", "when are you open", "where are you located", "what's your address",
 "is there parking", "do you take Blue Cross", "what insurance do you accept", "are you open on Saturday",
 "what should I bring to my first visit", "do I need to fast before my appointment", "how do I get to the clinic",
 "what's your phone number", "what's the fax number", "are you open on holidays", "do you take Medicaid",
 "is the clinic wheelchair accessible", "where do I park", "how early should I arrive", "do you have a location downtown",
 "what time do you close today", "cual es su horario", "donde estan ubicados", "aceptan mi seguro",
 "hay estacionamiento", "que debo traer a mi cita", "do you accept aetna", "what time do you open tomorrow",
 "are you accepting new patients", "is there a bus stop near you", "what is your fax", "do you have evening hours",
 "what are the prep instructions for my visit", "how long will the appointment take", "do you have a lab on site",
 "do you speak Spanish", "which floor is the office on",
],
"billing": [
 "can I pay by phone", "my bill seems wrong", "I think I was overcharged", "how much is my bill",
 "is there a discount for paying cash", "can I get a statement", "factura", "quiero pagar", "how do I pay",
 "what's my balance", "how much do I owe", "I have a question about my bill", "can I pay my bill online",
 "I got a statement I don't understand", "do you offer payment plans", "how much is a visit without insurance",
 "why was I charged", "I already paid this bill", "can I pay with a credit card", "what is my copay",
 "I need an itemized receipt", "my insurance should have covered this", "send me a copy of my statement",
 "cuanto debo", "tengo una pregunta sobre mi factura", "puedo pagar en linea", "i want to pay my balance",
 "what do I owe you guys", "can I set up a payment plan", "I was billed twice", "how much is the copay for a specialist",
 "I need a receipt for my HSA", "do you bill my insurance directly", "who do I talk to about a billing error",
],
"results_status": [
 "is my blood work back", "have my test results come in yet", "did you get my lab results", "are the results from my scan in",
 "any results yet from my ultrasound", "checking on my lab results", "is my pathology report back", "did my pap come back",
 "have you received my results from the hospital", "are my stool test results in", "resultados listos?", "ya tienen mis resultados de laboratorio",
 "I'm calling about my results, are they in", "did the radiology report arrive", "are my ekg results available", "is my report ready",
 "any update on my culture", "my labs from monday, are they back", "have my results been posted", "are my cholesterol results back",
 "are my lab results back", "did my test results come in", "are my results ready", "any news on my blood work",
 "have you gotten my x-ray results", "when will my results be ready", "is my biopsy result in yet",
 "did the lab send my results", "I'm waiting on my test results", "have my MRI results come back",
 "are my labs done", "ya estan mis resultados", "llegaron mis analisis", "did my covid test come back",
 "any update on my results from {when}", "results in yet?", "can you check if my bloodwork is back",
 "how long do results usually take to come back", "has {dr} seen my results yet", "is my urine test back",
],
"human_handoff": [
 "persona", "quiero una persona", "hablar con recepcion", "I need to speak to someone", "front desk please",
 "receptionist please", "can a human help me", "talk to someone in the office",
 "I want to talk to a person", "let me speak to a human", "operator", "representative", "agent please",
 "can I talk to someone real", "transfer me to the front desk", "get me a real person", "I don't want to talk to a bot",
 "speak to receptionist", "quiero hablar con una persona", "hablar con alguien", "person", "human",
 "connect me to staff", "put me through to someone", "i need a human being", "this isn't working, get me a person",
 "can I talk to the office manager", "let me talk to somebody at the desk", "0",
],
"greeting_other": [
 "buenas noches", "hi how are you", "morning", "thanks bye", "ok cool", "alright", "no thanks",
 "hello? anyone there", "thanks for your help", "good night", "see ya", "who are you", "what is this", "are you a real person",
 "sorry", "oops", "hi again", "thank you doctor", "muchas gracias por todo", "ok gracias", "hello is this the clinic", "just saying hi",
 "hi", "hello", "good morning", "thanks", "thank you so much", "ok", "bye", "hey there", "hola", "gracias",
 "buenos dias", "what can you do", "who is this", "are you a robot", "never mind", "that's all", "cool thanks",
 "you're welcome", "what's the weather like", "tell me a joke", "how are you", "great", "sounds good",
 "test", "yo", "good afternoon", "have a nice day", "is this the right number", "help", "what can I ask you",
 "wrong number sorry", "lol", "👍", "🙂 thanks", "nothing", "adios",
],
"clinical_question": [
 "what did my mri show", "tell me about my biopsy result",
 "what's the cure for psoriasis", "how is gout treated", "what can I do about my acid reflux", "is my cholesterol good",
 "what's causing my stomach pain", "is eczema contagious", "how do I know if I have covid", "can diabetes be reversed",
 "is a heart rate of 110 dangerous", "my skin is itchy all over", "my periods are irregular why", "I have been coughing for weeks",
 "who makes this medication", "where can i buy cetirizine", "information on thyroid cancer surgery", "I need info about lupus",
 "should I stop taking {med}", "can I take ibuprofen with {med}", "what are the side effects of {med}",
 "is it normal to have a headache after starting {med}", "what does my A1c of 8 mean", "do I have the flu",
 "my throat hurts, is it strep", "how much tylenol can I take", "can I drink alcohol on antibiotics",
 "should I double my dose if I missed one", "is my blood pressure of 150 over 95 too high", "what is a normal cholesterol",
 "I have a rash on my arm, what should I put on it", "why do I feel dizzy when I stand up", "is this mole cancer",
 "my kid has a fever of 101, what should I give him", "can I take {med} while pregnant", "does metformin cause diarrhea",
 "what does an elevated white count mean", "how long does a cold last", "can I stop {med} if I feel fine",
 "what's the best medicine for back pain", "is it safe to exercise with a sprained ankle", "how do I lower my sugar",
 "my results say positive, what does that mean", "should I be worried about this lump", "is a cough for two weeks serious",
 "can I switch from {med} to something else", "what causes migraines", "is it okay to take {med} at night instead",
 "debo dejar de tomar {med}", "que significa mi resultado", "es normal tener fiebre despues de la vacuna",
 "puedo tomar ibuprofeno con {med}", "que puedo tomar para el dolor de cabeza", "tengo tos, que hago",
 "my knee is swollen should I ice it or heat it", "do I need antibiotics for a sinus infection",
 "could my fatigue be my thyroid", "what dose of vitamin D should I take", "my ankle hurts when I walk, is it broken",
 "i think my med is making me tired", "im getting headaches from the new pill is that normal",
 "can i cut my pills in half", "is it bad to take {med} with coffee", "what is diabetes", "how do you treat shingles",
 "is hepatitis contagious", "how long is the flu contagious", "does this test result look bad",
 "I have pain in my side, what could it be", "what helps with nausea", "do I still need to take {med}",
 "can I give my son benadryl", "my sugar was 250 this morning what do I do",
],
"emergency": [
 "my kid took a bottle of tylenol",
 "he swallowed a button battery", "she's seizing", "my husband is having a stroke", "mi esposo tiene un derrame",
 "no quiero despertar", "my dad is not breathing", "i'm bleeding out", "i can't stop shaking and passed out",
 "I'm having chest pain", "I can't breathe", "my dad's face is drooping and he can't talk right", "I want to kill myself",
 "I took a whole bottle of pills", "my son swallowed bleach", "she's having a seizure", "he passed out and won't wake up",
 "I'm bleeding a lot and it won't stop", "my throat is closing up", "I think I'm having a heart attack",
 "I don't want to live anymore", "my baby isn't breathing", "I'm thinking about ending my life", "crushing pressure in my chest",
 "she collapsed", "my lips are turning blue", "I think I'm having a stroke", "i cut myself really deep and it wont stop bleeding",
 "me duele mucho el pecho", "no puedo respirar", "quiero suicidarme", "mi hijo tomó veneno", "se desmayó y no despierta",
 "my wife is unresponsive", "I overdosed on my meds", "allergic reaction, my tongue is swelling", "my chest feels tight and my left arm is numb",
 "I swallowed all my sleeping pills", "having the worst headache of my life, sudden", "my husband is convulsing",
 "I'm going to hurt myself", "coughing up blood", "hit my head and I keep throwing up", "this is an emergency",
 "used my epipen and it's still hard to breathe", "I feel like I'm going to die, my heart is pounding and I'm dizzy",
 "tengo una emergencia", "mi papá tiene la cara caída", "sangra mucho y no para",
],
}
rows = []
for intent, ts in T.items():
    for t in ts:
        n = 2 if "{" in t else 1
        seen = set()
        for _ in range(n):
            m = fill(t)
            if m in seen: continue
            seen.add(m)
            rows.append({"message": m, "intent": intent})
# mixed (operational + clinical): intent = clinical_question for training the router
mixed = ["book me in and should I stop {med}?", "refill {med} please, also is it ok to take it with alcohol",
         "cancel my appt, and what does my lab result mean", "can I see {dr} {when}? also my rash is spreading is that bad"]
for t in mixed:
    rows.append({"message": fill(t), "intent": "clinical_question"})
with open(str(OUT / "train.jsonl"), "w") as f:
    for r in rows: f.write(json.dumps(r, ensure_ascii=False) + "\n")
from collections import Counter
print(len(rows), Counter(r["intent"] for r in rows))

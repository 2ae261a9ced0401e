"""Word lists for the demo clinic: names by heritage, streets, towns, reasons for visit.

Plain data, no logic. Names are common ones; any resemblance to a real person is chance."""

from __future__ import annotations


def _split(text: str, sep: str | None = None) -> list[str]:
    return text.split(sep)


# (last names, female first names, male first names, languages other than English, share
# of that group whose preferred language is not English)
HERITAGE: list[tuple[list[str], list[str], list[str], list[str], float]] = [
    (
        _split(
            "Smith Johnson Miller Davis Wilson Anderson Taylor Thomas Moore Martin Thompson White "
            "Harris Clark Lewis Walker Hall Allen Young King Wright Scott Green Baker Adams Nelson "
            "Hill Campbell Mitchell Roberts Carter Phillips Evans Turner Parker Collins Edwards "
            "Stewart Morris Murphy Cook Rogers Morgan Cooper Peterson Reed Bailey Bell Kelly "
            "Howard Ward Cox Richardson Wood Watson Brooks Bennett Gray Hughes Price Sanders "
            "Myers Long Ross Foster Sullivan Fitzgerald O'Connor McCarthy Byrne Schmidt Becker "
            "Lindqvist"
        ),
        _split(
            "Emily Sarah Jessica Ashley Megan Hannah Olivia Emma Abigail Madison Elizabeth Mary "
            "Patricia Linda Barbara Susan Karen Nancy Margaret Dorothy Ruth Helen Jennifer Amanda "
            "Rachel Lauren Grace Chloe Ava Lily Harper Evelyn Claire Kathleen Joan Judith Carol "
            "Donna Brenda Heather Molly Nora"
        ),
        _split(
            "James John Robert Michael William David Richard Joseph Thomas Charles Christopher "
            "Daniel Matthew Andrew Joshua Ryan Tyler Brandon Ethan Noah Liam Mason Logan "
            "Owen Henry Jack Samuel Benjamin George Edward Frank Raymond Gary Dennis Walter Harold "
            "Kevin Brian Patrick Sean Connor"
        ),
        [],
        0.0,
    ),
    (
        _split(
            "Washington Jefferson Jackson Robinson Coleman Banks Freeman Gaines Holloway Pierce "
            "Dixon Bryant Hayes Simmons Jenkins Brown Williams Greene Mosley Battle"
        ),
        _split(
            "Aaliyah Imani Keisha Tamika Ebony Jasmine Nia Zora Latoya Denise Gloria Maya Kiara "
            "Destiny Brianna Alicia Monique Shanice Tiana"
        ),
        _split(
            "Jamal DeShawn Malik Darnell Tyrone Andre Marcus Terrence Isaiah Elijah Xavier Cedric "
            "Reginald Jalen Dante Corey Derrick Lamar"
        ),
        [],
        0.0,
    ),
    (
        _split(
            "Garcia Rodriguez Martinez Hernandez Lopez Gonzalez Perez Sanchez Ramirez Torres "
            "Flores Rivera Gomez Diaz Cruz Morales Ortiz Gutierrez Chavez Ramos Ruiz "
            "Alvarez Castillo Jimenez Vargas Mendoza Santiago Colón Peña Medina Aguilar Herrera"
        ),
        _split(
            "María Guadalupe Sofía Isabella Camila Valentina Lucía Ana Carmen Rosa Elena Gabriela "
            "Daniela Alejandra Marisol Yesenia Luz Ximena Paola Adriana"
        ),
        _split(
            "José Juan Luis Carlos Jorge Miguel Alejandro Diego Mateo Santiago Javier Ricardo "
            "Fernando Eduardo Héctor Rafael Andrés Emiliano Julio Óscar"
        ),
        ["Spanish"],
        0.35,
    ),
    (
        _split("Wang Li Zhang Liu Yang Huang Zhao Wu Zhou Lin Xu Sun Zhu Hu Guo Tang Feng"),
        _split("Mei Jing Yan Lan Fang Wen Xin Ying Hui Ling Xiaoyu Amy Jenny Vivian"),
        _split("Wei Jun Hao Lei Ming Tao Jian Yong Bo Zhiwei Kai Kevin Jason"),
        ["Chinese (Mandarin)", "Chinese (Cantonese)"],
        0.3,
    ),
    (
        _split(
            "Patel Shah Singh Kumar Gupta Sharma Desai Reddy Iyer Khan Chowdhury Hossain Das Bhatt "
            "Mehta Joshi Nair Banerjee"
        ),
        _split(
            "Ananya Aarti Deepa Sunita Kavya Neha Pooja Riya Shreya Fatima Nusrat Anjali Lakshmi "
            "Meera Divya"
        ),
        _split(
            "Arjun Rahul Vikram Sanjay Amit Rohan Aditya Ravi Raj Imran Farhan Kiran Dev Nikhil "
            "Suresh"
        ),
        ["Hindi", "Bengali", "Gujarati", "Urdu"],
        0.2,
    ),
    (
        _split("Haddad Khalil Nasser Saleh Mansour Farah Aziz Hassan Ibrahim Youssef Darwish"),
        _split("Layla Noor Yasmin Amira Mariam Rania Hana Salma Dalia"),
        _split("Omar Ahmed Mohammed Karim Samir Tariq Ali Khalid Yusuf Bilal"),
        ["Arabic"],
        0.3,
    ),
    (
        _split(
            "Ivanova Kowalski Nowak Petrov Novak Kuznetsov Horvat Popescu Wiśniewski Sokolov "
            "Volkov Zielinski"
        ),
        _split("Anna Olga Natalia Irina Svetlana Katarzyna Agnieszka Tatiana Zofia Daria"),
        _split("Dmitri Sergei Ivan Piotr Tomasz Andrei Nikolai Pavel Viktor Marek"),
        ["Russian", "Polish"],
        0.2,
    ),
    (
        _split("Nguyen Tran Le Pham Hoang Vu Dang Bui Do"),
        _split("Linh Thao Mai Hoa Lan Trang Ngoc Vy"),
        _split("Minh Duc Tuan Huy Khoa Long Quang Bao"),
        ["Vietnamese"],
        0.3,
    ),
    (
        _split("Kim Park Choi Jung Kang Cho Yoon Lim"),
        _split("Ji-woo Min-ji Soo-ah Eun-ji Hye-jin Seo-yeon"),
        _split("Min-jun Ji-ho Jae-won Sung-min Dong-hyun Hyun-woo"),
        ["Korean"],
        0.25,
    ),
    (
        _split("Santos Bautista Villanueva Reyes Garcia Mendoza Aquino Ramos") + ["Dela Cruz"],
        _split("Angelica Kristine Marisa Maricel Joy Rowena"),
        _split("Paolo Mark Rommel Jerome Noel Carlo"),
        ["Tagalog"],
        0.15,
    ),
    (
        _split("Adeyemi Mensah Owusu Diallo Toussaint Baptiste Jean-Louis Pierre Eze Boateng"),
        _split("Adaeze Chioma Amara Abena Fatoumata Nadège Widline Esther Ngozi"),
        _split("Chinedu Kwame Kofi Oluwaseun Mamadou Jean Wesly Emmanuel Kwabena"),
        ["Haitian Creole", "French", "Twi"],
        0.2,
    ),
]
# How often each heritage group appears, in the order above.
HERITAGE_WEIGHTS = [38, 12, 16, 7, 7, 4, 5, 2, 2, 2, 5]

PREFERRED = {
    "William": "Bill",
    "Robert": "Bob",
    "Elizabeth": "Liz",
    "Margaret": "Peggy",
    "Katarzyna": "Kasia",
    "Christopher": "Chris",
    "Alejandro": "Alex",
    "Oluwaseun": "Seun",
    "Zhiwei": "David",
    "Patricia": "Patty",
    "Jennifer": "Jen",
    "Nikolai": "Nick",
}
MIDDLE_F = _split("Anne Marie Lynn Rose Jean Louise Grace Mae Elaine Renee")
MIDDLE_M = _split("James Lee Allen Joseph Michael Ray Edward Paul Wayne Scott")

STREETS = _split(
    "River St|Hoosick St|Congress St|2nd Ave|5th Ave|Pawling Ave|Oakwood Ave|Maple Ave|"
    "Cedar Ln|Elm St|Washington Ave|Madison Ave|Western Ave|Delaware Ave|Central Ave|"
    "Lark St|State St|Broadway|Hudson Ave|Mohawk St|Ontario St|Remsen St|Columbia St|"
    "Spring Ave|Hillside Dr|Birch Hill Rd|Orchard Way|Willow Ct|Sunset Blvd|Meadow Ln|"
    "Fairview Ave|Park Pl|Union St|Prospect Ave|Church St|Mill St|Lakeview Dr|Glenwood Rd",
    "|",
)
# (city, ZIP codes)
TOWNS = [
    ("Troy", ["12180", "12182"]),
    ("Albany", ["12203", "12206", "12208", "12210"]),
    ("Cohoes", ["12047"]),
    ("Watervliet", ["12189"]),
    ("Latham", ["12110"]),
    ("Rensselaer", ["12144"]),
    ("Schenectady", ["12304", "12305", "12308"]),
    ("Waterford", ["12188"]),
    ("East Greenbush", ["12061"]),
    ("Clifton Park", ["12065"]),
]
TOWN_WEIGHTS = [30, 20, 10, 8, 8, 6, 6, 4, 4, 4]
# Area codes of numbers people in the area carry (local, upstate, and New York City).
AREA_CODES = ["518", "838", "845", "914", "315", "607", "347", "917", "646", "718", "929", "413"]

# Emergency contacts by the contact's sex, for younger and for older (65+) patients.
CONTACTS_YOUNGER = {
    "F": ["Sister", "Mother", "Friend", "Aunt"],
    "M": ["Brother", "Father", "Friend"],
}
CONTACTS_OLDER = {"F": ["Daughter", "Niece", "Neighbor"], "M": ["Son", "Nephew", "Neighbor"]}

CANCEL_REASONS = [
    "Patient called: feeling better",
    "Patient has a work conflict; will call back to reschedule",
    "No ride to the clinic",
    "Childcare fell through",
    "Rescheduled at the patient's request",
    "Patient is out of town",
    "Provider out of the office; patient to be rebooked",
    "Booked twice by mistake",
    "Patient admitted to the hospital",
    "Insurance changed; patient checking coverage first",
    "Snow storm",
]
BOOKING_NOTES = [
    "Prefers a morning call back",
    "Bring medication list",
    "Needs a form completed for work",
    "Wheelchair user: needs the accessible room",
    "Asked for a female provider if possible",
    "Fasting labs at this visit",
]
FOLLOW_UPS = ["in 2 weeks", "in 4 weeks", "in 3 months", "in 6 months", "in 1 year", "as needed"]
CHECKOUT_NOTES = [
    "Labs ordered; patient to go to the lab downstairs",
    "Referral to cardiology requested",
    "Patient given a printed visit summary",
    "Work note given",
    "Prescription sent to the patient's pharmacy",
    "",
    "",
    "",
]

# Reasons for visit in the patient's (or a parent's) own words, by visit type.
REASONS_ADULT = {
    "sick-visit": [
        "Sore throat and fever since Sunday",
        "I've had this cough for about ten days and it's not going away",
        "Burning when I pee, started yesterday",
        "My back went out lifting boxes on Saturday",
        "Bad headache for three days, Tylenol isn't helping",
        "Stomach bug, throwing up since last night",
        "My left ear hurts and I can't hear well on that side",
        "Itchy rash on both arms",
        "Sinus pressure and green stuff for a week",
        "Twisted my ankle playing basketball",
        "I feel dizzy when I stand up",
        "Pink eye, woke up with it crusted shut",
        "Chest feels tight when I climb the stairs",
    ],
    "follow-up": [
        "Follow up on my blood pressure",
        "Here to go over my lab results",
        "Sugars have been high in the mornings",
        "Need a refill on my cholesterol medicine",
        "Doctor wanted to see me back after starting the new medication",
        "Follow up on my thyroid",
        "Knee is still bothering me since last time",
        "Checking how the antidepressant is working",
        "Using my inhaler more than usual",
        "Recheck after the ER visit last week",
    ],
    "annual-physical": [
        "Yearly physical",
        "Annual checkup, I'd like bloodwork",
        "Physical for my new job",
        "Annual exam, want to talk about my weight",
        "Medicare wellness visit",
    ],
    "new-patient": [
        "New to the area and need a regular doctor",
        "Transferring my care, my old doctor retired",
        "Just got insurance and haven't had a checkup in years",
        "Need a new primary care doctor for my blood pressure pills",
    ],
    "procedure": [
        "Mole on my back that's changed color",
        "Ingrown toenail, really sore",
        "Skin tag on my neck I'd like taken off",
        "Wart on my finger",
        "Can't hear out of my right ear, I think it's wax",
        "Lump on my shoulder that keeps getting bigger",
    ],
    "nurse-visit": [
        "Flu shot",
        "B12 shot",
        "Blood pressure check",
        "Here for my allergy shot",
        "TB test read",
        "Tetanus shot, stepped on a nail",
    ],
}
# Child reasons that fit only some ages (years, inclusive): no ADHD follow-up for a baby.
CHILD_REASON_AGES = {
    "Says {his} throat hurts when {he} swallows": (3, 12),
    "Pink eye, daycare sent {him} home": (0, 5),
    "Asthma check": (2, 12),
    "Follow up on the ADHD medicine": (6, 12),
    "School physical": (5, 12),
    "Sports physical for soccer": (6, 12),
    "Kindergarten forms and vaccines": (4, 6),
    "Checkup and shots": (0, 6),
    "Strep test": (3, 12),
}


def reason_fits(reason: str, age: int) -> bool:
    low, high = CHILD_REASON_AGES.get(reason, (0, 200))
    return low <= age <= high


REASONS_CHILD = {
    "sick-visit": [
        "Fever since yesterday and {he} won't eat",
        "{He} keeps tugging at {his} ear and was up all night",
        "Cough and runny nose for a week",
        "Rash on {his} belly",
        "Threw up twice this morning",
        "Says {his} throat hurts when {he} swallows",
        "Pink eye, daycare sent {him} home",
    ],
    "follow-up": [
        "Recheck ears after the antibiotics",
        "Asthma check",
        "Follow up on the ADHD medicine",
        "Weight check",
    ],
    "annual-physical": [
        "Well-child check",
        "Checkup and shots",
        "School physical",
        "Sports physical for soccer",
        "Kindergarten forms and vaccines",
    ],
    "new-patient": [
        "We just moved here and need a pediatrician",
        "First visit, {his} old doctor is too far away now",
    ],
    "procedure": ["Splinter in {his} foot we couldn't get out"],
    "nurse-visit": ["Flu shot", "Catch-up vaccines", "Strep test"],
}

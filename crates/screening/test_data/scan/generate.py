#!/usr/bin/env python3
"""Generates the free-text scan evaluation set: listed names embedded in realistic messages
(payment remittance fields, invoice lines, chat, SWIFT field 70, Russian and Arabic text with
names in Cyrillic and Arabic script) and negatives (messages of common words, common personal
names of several cultures and generic company names).

Each row: `id,text,expected,name,category`. `expected` holds the listed ids that are right
(`;`-separated, both ids of a body listed by OFAC and the UN), empty for negatives; `name` is
the name as embedded, so that a test can check that a hit's span covers it.

Names come from the shared evaluation index (`../shared/eval/index.jsonl`): primary names and
strong aliases (never weak aliases), persons written as the list writes them, in given-family
order, or in title case; organisations and vessels as written or in title case. Single-word
names of fewer than four letters are left out: the scan never reports a lone acronym-sized word
(see `crates/screening/src/scan.rs`, `MIN_SINGLE`). A common-name negative whose vowel-less
skeletons equal a listed name's (`Wei Zhang`, `Amir Rahimi` are listed) is drawn again.

Usage: python3 generate.py ../../../../../shared/eval/index.jsonl > scan.csv
Deterministic: fixed seed, entities read in file order. Standard library only.
"""
import csv
import json
import random
import re
import sys

SEED = 20261206
PER_TEMPLATE = 22

EN_TEMPLATES = {
    "remittance": [
        "PAYMENT FOR INVOICE {inv} BENEFICIARY {name} REF {ref}",
        "/RFB/{ref} {name} CONSULTING FEE Q{q}",
        "Transfer to {name} for goods per contract {inv}",
        "SETTLEMENT OF INV {inv} FAVOUR {name} /BNF/ACC {acc}",
    ],
    "swift70": [
        ":70:/INV/{inv}/{date}\n/ROC/{ref} {name}",
        ":70:PMT OF CONTRACT NO {inv} DD {date} ON BEHALF OF {name}",
        ":70:/BENEFRES/{name}//{ref}",
    ],
    "invoice": [
        "Invoice #{inv} - Consulting services rendered to {name}, amount due USD {amt}.",
        "Line 3: freight charges, consignee {name}, qty 12, unit price {amt}",
        "Bill to: {name}\nDescription: spare parts, {amt} EUR, due {date}",
    ],
    "chat": [
        "hey did you send the money to {name} yet? they said tomorrow",
        "Meeting with {name} moved to Thursday, same hotel lobby at 3pm",
        "fyi {name} called again about the shipment, can you call back",
        "ok so the guy from {name} wants cash this time, not wire",
    ],
}
RU_TEMPLATES = [
    "Оплата по договору {inv} от {date} в пользу {name}",
    "Перевод средств {name} за поставку оборудования, счет {inv}",
]
AR_TEMPLATES = [
    "تحويل مبلغ {amt} دولار إلى {name} بتاريخ {date}",
    "دفعة مقابل الفاتورة رقم {inv} لصالح {name}",
]

# Negatives: common personal names (given, family) per culture and generic company names.
COMMON = {
    "en": (["John", "Mary", "David", "Sarah", "Michael", "Linda"],
           ["Smith", "Johnson", "Brown", "Taylor", "Wilson", "Davies"]),
    "es": (["Jose", "Maria", "Juan", "Carmen", "Luis", "Ana"],
           ["Garcia", "Lopez", "Martinez", "Sanchez", "Perez", "Gomez"]),
    "ar": (["Mohammed", "Ahmed", "Fatima", "Omar", "Aisha", "Youssef"],
           ["Haddad", "Khalil", "Saleh", "Mansour", "Nasser", "Othman"]),
    "fa": (["Reza", "Zahra", "Mehdi", "Maryam", "Amir", "Nasrin"],
           ["Mohammadi", "Ahmadi", "Karimi", "Rahimi", "Jafari", "Moradi"]),
    "ru": (["Elena", "Sergei", "Olga", "Dmitry", "Irina", "Andrei"],
           ["Ivanov", "Smirnova", "Popov", "Sokolova", "Volkov", "Morozova"]),
    "ko": (["Min-jun", "Seo-yeon", "Ji-hoon", "Eun-ji", "Hyun-woo", "Ji-won"],
           ["Kim", "Lee", "Park", "Choi", "Jung", "Yoon"]),
    "zh": (["Wei", "Fang", "Jing", "Lei", "Yan", "Tao"],
           ["Wang", "Zhang", "Chen", "Yang", "Zhao", "Wu"]),
}
GENERIC_ORG = ["Global Trading LLC", "Sunrise Logistics Ltd", "Pacific Shipping Co.",
               "United Import Export GmbH", "Star Electronics Inc.", "Green Energy Solutions",
               "Eastern Construction Company", "Golden Gate Holdings", "First National Services",
               "Ocean Freight International", "Alpha Engineering Group", "City Medical Supplies",
               "Royal Foods Corporation", "Silver Line Transport", "Metro Consulting Partners",
               "Prime Industrial Supply Co"]
NEG_TEMPLATES = [
    "Payment for invoice {inv}, thank you for your business. Regards, {name}",
    "PAYMENT FOR INVOICE {inv} BENEFICIARY {name} REF {ref}",
    ":70:/INV/{inv}/{date}\n/ROC/{ref} {name}",
    "hey, {name} said the delivery to the warehouse on Main Street is late again",
    "Invoice #{inv} - Office supplies for {name}, amount due USD {amt}.",
    "Rent for March, apartment 4B, paid by {name}",
    "Salary advance {name} per HR request {ref}",
]
PLAIN = [
    "Thank you for your order. The delivery will arrive on Monday morning.",
    "Please find attached the signed contract and the bank details for the transfer.",
    "REF {ref} MONTHLY SUBSCRIPTION SOFTWARE LICENCE RENEWAL",
    "Happy birthday! Dinner at the new place downtown, table for six at eight.",
    "Your parcel is out for delivery. Track it with the code {ref}.",
    "We have received your payment of {amt} USD. A receipt will follow by email.",
    "Reminder: the board meeting is moved to the conference room on the second floor.",
    "Can you check the freight costs for the container from Rotterdam to Hamburg?",
    "Оплата за услуги связи по счету {inv} от {date}, без НДС",
    "Перевод между своими счетами, пополнение вклада",
    "دفع فاتورة الكهرباء لشهر مارس رقم {inv}",
    "تحويل راتب شهر أبريل حسب العقد",
    "Pago de factura {inv} por servicios de mantenimiento, gracias",
    "Virement salaire mars, société de nettoyage, réf {ref}",
]

RU_LAT = [("shch", "щ"), ("zh", "ж"), ("kh", "х"), ("ts", "ц"), ("ch", "ч"), ("sh", "ш"),
          ("yu", "ю"), ("ya", "я"), ("ye", "е"), ("yo", "ё"), ("a", "а"), ("b", "б"), ("v", "в"),
          ("g", "г"), ("d", "д"), ("e", "е"), ("z", "з"), ("i", "и"), ("y", "й"), ("k", "к"),
          ("l", "л"), ("m", "м"), ("n", "н"), ("o", "о"), ("p", "п"), ("r", "р"), ("s", "с"),
          ("t", "т"), ("u", "у"), ("f", "ф")]


def to_cyrillic(word):
    """A simple Latin→Cyrillic reading of a Russian name as OFAC spells it; None when a letter
    has no reading."""
    w, out = word.lower(), ""
    while w:
        for lat, cyr in RU_LAT:
            if w.startswith(lat):
                out += cyr
                w = w[len(lat):]
                break
        else:
            return None
    return out[:1].upper() + out[1:]


def cap(w):
    return "-".join(p[:1].upper() + p[1:].lower() for p in w.split("-"))


def fill(rng, template, name):
    return template.format(
        name=name,
        inv=f"{rng.randint(1000, 99999)}",
        ref=f"{rng.choice('ABCDEFGHJK')}{rng.randint(100000, 999999)}",
        acc=f"DE{rng.randint(10**19, 10**20 - 1)}",
        date=f"{rng.randint(1, 28):02d}.{rng.randint(1, 12):02d}.2026",
        amt=f"{rng.randint(100, 99999)}.{rng.randint(0, 99):02d}",
        q=rng.randint(1, 4),
    )


def person_forms(name):
    """The listed form, given-family order, and title case of a `LAST, First` name."""
    forms = [name]
    if name.count(",") == 1:
        fam, giv = (s.strip() for s in name.split(","))
        if fam and giv:
            forms.append(" ".join(cap(w) for w in (giv + " " + fam).split()))
    else:
        forms.append(" ".join(cap(w) for w in name.split()))
    return forms


def usable(name):
    words = re.findall(r"[A-Za-z]+", name)
    if not words or len(name) > 60:
        return False
    return len(words) > 1 or len(words[0]) >= 4


def skeleton_key(name):
    """The order-free set of vowel-less token skeletons of a name, patronymics left out: two
    names with the same key are spellings of one name (`Hyun-woo Kim` and `KIM, Hyon Woo`), so
    a negative with the key of a listed name is not a negative."""
    out = set()
    for w in re.findall(r"[a-z]+", name.lower()):
        if re.search(r"(vich|vna|ovic|evic|ogly|kyzy)$", w):
            continue
        k = re.sub(r"[aeiouyhw]", "", w)
        k = re.sub(r"(.)\1", r"\1", k)
        if k:
            out.add(k)
    return frozenset(out)


def main():
    rng = random.Random(SEED)
    entities = [json.loads(line) for line in open(sys.argv[1], encoding="utf-8")]
    expected = {}
    for e in entities:
        ids = [e["id"]] + list(e.get("same_as") or [])
        expected[e["id"]] = ";".join(ids)
    persons = [e for e in entities if e["schema"] == "Person"]
    orgs = [e for e in entities if e["schema"] in ("Organization", "Vessel")]
    rows = []

    def add(text, exp, name, cat):
        rows.append((text, exp, name, cat))

    for cat, templates in EN_TEMPLATES.items():
        for template in templates:
            for _ in range(PER_TEMPLATE):
                pool = persons if rng.random() < 0.6 else orgs
                e = rng.choice(pool)
                names = [n for n in e["names"] if usable(n)]
                if not names:
                    continue
                listed = rng.choice(names)
                if e["schema"] == "Person":
                    name = rng.choice(person_forms(listed))
                else:
                    name = rng.choice([listed, " ".join(cap(w) for w in listed.split())])
                add(fill(rng, template, name), expected[e["id"]], name, cat)

    # Russian text with Cyrillic names: OFAC's Russian persons read back into Cyrillic, and
    # the UN's own Cyrillic original-script names.
    russian = [e for e in persons if any("RUSSIA" in p for p in e["programs"])]
    rng.shuffle(russian)
    made = 0
    for e in russian:
        if made >= 40:
            break
        listed = e["names"][0]
        if listed.count(",") != 1:
            continue
        fam, giv = (s.strip() for s in listed.split(","))
        words = [to_cyrillic(w) for w in (giv + " " + fam).split()]
        if not words or any(w is None for w in words):
            continue
        name = " ".join(words)
        add(fill(rng, rng.choice(RU_TEMPLATES), name), expected[e["id"]], name, "cyrillic")
        made += 1
    for e in entities:
        for n in e.get("original_script", []):
            if re.search("[\u0400-\u04ff]", n):
                add(fill(rng, rng.choice(RU_TEMPLATES), n), expected[e["id"]], n, "cyrillic")
    arabic = [(e, n) for e in entities for n in e.get("original_script", [])
              if re.search("[\u0600-\u06ff]", n) and len(n.split()) >= 2]
    for e, n in rng.sample(arabic, min(60, len(arabic))):
        add(fill(rng, rng.choice(AR_TEMPLATES), n), expected[e["id"]], n, "arabic")

    listed = {skeleton_key(n) for e in entities for n in e["names"]}
    for culture, (given, family) in sorted(COMMON.items()):
        made = 0
        while made < 40:
            g, f = rng.choice(given), rng.choice(family)
            if skeleton_key(f"{g} {f}") in listed:
                continue
            made += 1
            name = f"{f} {g}" if culture in ("ko", "zh") and rng.random() < 0.5 else f"{g} {f}"
            add(fill(rng, rng.choice(NEG_TEMPLATES), name), "", name, f"neg_common_{culture}")
    for _ in range(60):
        name = rng.choice(GENERIC_ORG)
        add(fill(rng, rng.choice(NEG_TEMPLATES), name), "", name, "neg_generic_org")
    for _ in range(140):
        add(fill(rng, rng.choice(PLAIN), ""), "", "", "neg_plain")

    w = csv.writer(sys.stdout, lineterminator="\n")
    w.writerow(["id", "text", "expected", "name", "category"])
    for i, (text, exp, name, cat) in enumerate(rows, 1):
        w.writerow([f"scan-{i:05d}", text, exp, name, cat])


if __name__ == "__main__":
    main()

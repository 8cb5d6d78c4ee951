"""Text clean-up helpers for customer data (scalar UDFs, one call per row)."""
import re
from typing import Optional

from sqlflow.udfs import python_scalar_udf


@python_scalar_udf
def clean_name(name: str) -> str:
    """'  alice   SMITH ' -> 'Alice Smith' (keeps apostrophes: "o'neil" -> "O'Neil")."""
    words = name.split()
    return " ".join("'".join(part[:1].upper() + part[1:].lower() for part in w.split("'")) for w in words)


@python_scalar_udf
def email_domain(email: str) -> Optional[str]:
    """The lower-cased domain of a well-formed address, or NULL."""
    match = re.fullmatch(r"[^@\s]+@([^@\s]+\.[a-zA-Z]{2,})", email.strip())
    return match.group(1).lower() if match else None


@python_scalar_udf
def digits_only(phone: str) -> str:
    return re.sub(r"\D", "", phone)


@python_scalar_udf(null_handling="special")
def word_count(text: Optional[str]) -> int:
    """Words in a free-text note; an empty or missing note has 0 words."""
    return len(text.split()) if text else 0

"""Data-quality checks as vectorized UDFs: each call gets a whole chunk of rows as pandas Series."""
import pandas as pd

from sqlflow.udfs import python_scalar_udf


@python_scalar_udf(vectorized=True, null_handling="special")  # NULL addresses are "missing", not skipped
def email_issue(email: str) -> str:
    """'missing', 'invalid' or 'ok' for every address of the chunk."""
    email = email.fillna("").str.strip()
    valid = email.str.match(r"^[^@\s]+@[^@\s]+\.[A-Za-z]{2,}$")
    return pd.Series("ok", index=email.index).where(valid, "invalid").where(email != "", "missing")


@python_scalar_udf(vectorized=True, null_handling="special")
def phone_ok(phone: str) -> bool:
    """True when the number has 7 to 15 digits."""
    digits = phone.fillna("").str.replace(r"\D", "", regex=True).str.len()
    return digits.between(7, 15)

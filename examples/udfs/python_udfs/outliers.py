"""Outlier detection as a table UDF: it sees the whole table as a pandas DataFrame."""
import pandas as pd

from sqlflow.udfs import python_table_udf


@python_table_udf(
    output_schema={"sale_id": "BIGINT", "region": "VARCHAR", "amount": "DOUBLE", "robust_z": "DOUBLE",
                   "is_outlier": "BOOLEAN"},
    required_columns=["sale_id"],
)
def detect_outliers(df: pd.DataFrame, column_name: str = "amount", group_by: str = "region",
                    threshold: float = 3.5) -> pd.DataFrame:
    """Flags values far from their group's median (robust z-score from the median absolute deviation)."""
    values = df[column_name].astype(float)
    groups = df.groupby(group_by)[column_name]
    median = groups.transform("median")
    mad = (values - median).abs().groupby(df[group_by]).transform("median")
    out = df.copy()
    out["robust_z"] = (0.6745 * (values - median) / mad).round(2)
    out["is_outlier"] = out["robust_z"].abs() > threshold
    return out

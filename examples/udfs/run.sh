#!/usr/bin/env bash
source "$(dirname "$0")/../lib.sh"
# The UDFs are discovered from python_udfs/.
sf udf list > udfs.txt
grep -q "^python_udfs.outliers.detect_outliers  table  " udfs.txt || fail "detect_outliers not listed"
grep -q "^python_udfs.data_quality.email_issue  scalar  email_issue(email VARCHAR) -> VARCHAR$" udfs.txt \
  || fail "email_issue not listed"

sf pipeline run customer_quality -q
expect_rows output/customers_clean.csv 5
expect_cell output/customers_clean.csv customer_id 1 name "Alice Smith"
expect_cell output/customers_clean.csv customer_id 2 name "Bob O'Neil"
expect_cell output/customers_clean.csv customer_id 3 name "Carmen Díaz"
expect_cell output/customers_clean.csv customer_id 1 email_domain example.com
expect_cell output/customers_clean.csv customer_id 2 email_domain ""
expect_cell output/customers_clean.csv customer_id 4 email_domain ""
expect_cell output/customers_clean.csv customer_id 1 phone_digits 15550101234
expect_cell output/customers_clean.csv customer_id 3 note_words 6
expect_cell output/customers_clean.csv customer_id 2 note_words 0
expect_cell output/customers_clean.csv customer_id 2 email_check invalid
expect_cell output/customers_clean.csv customer_id 4 email_check missing
expect_cell output/customers_clean.csv customer_id 5 email_check ok
expect_cell output/customers_clean.csv customer_id 4 phone_check false
expect_cell output/customers_clean.csv customer_id 3 phone_check true
expect_cell output/email_quality.csv email_check ok customers 3

sf pipeline run sales_outliers -q
expect_rows output/outliers.csv 2
expect_cell output/outliers.csv sale_id 5 region north
expect_cell output/outliers.csv sale_id 11 robust_z -18.89
# A lower threshold flags more rows.
sf pipeline run sales_outliers -q --vars threshold=1.0
expect_rows output/outliers.csv 4

# A typo in a UDF name is a compile-time error at its line, and nothing runs.
rm -rf output
sed -i "s/outliers.detect_outliers/outliers.detect_outlier/" pipelines/sales_outliers.sf
if sf pipeline run sales_outliers -q 2>err.txt; then fail "expected exit 2"; fi
grep -q "sales_outliers.sf:7:.*unknown Python UDF 'outliers.detect_outlier'" err.txt || fail "missing SF701"
grep -q "did you mean 'outliers.detect_outliers'" err.txt || fail "missing suggestion"
[[ ! -e output ]] || fail "output written despite compile error"

// Shared by the Python runtime and its stand-in; not for use outside src/sqlflow/udf/.
#pragma once

#include "sqlflow/udf/udf.h"

namespace sqlflow::udf::internal {

// Fills the derived names of every UDF, sorts them and decides which SQL names are registered (W702).
void FinishDiscovery(Discovery& discovery);

}  // namespace sqlflow::udf::internal

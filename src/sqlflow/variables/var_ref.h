// Variable references as the variables layer names them; the lexical rules live in the one SQL-text
// scanner (sqltext/var_ref.h).
#pragma once

#include "sqlflow/sqltext/var_ref.h"

namespace sqlflow::variables {

using sqltext::ScanVarRef;
using sqltext::StartsVarRef;
using sqltext::VarRef;
using sqltext::VarRefError;
using sqltext::VarRefText;

}  // namespace sqlflow::variables

// Schemas of the rest source's nested parameters (`auth`, `pagination`), shared by the registry entry and the
// options parser.
#pragma once

#include <vector>

#include "sqlflow/connectors/registry/registry.h"

namespace sqlflow::connectors::rest {

std::vector<ParamSpec> RestAuthParams();
std::vector<ParamSpec> RestPaginationParams();

}  // namespace sqlflow::connectors::rest

// Factories with injectable seams (sleeper, clock, jitter) for tests; postgres.h has the plain ones.
#pragma once

#include <memory>

#include "sqlflow/connectors/base/destination.h"
#include "sqlflow/connectors/base/source.h"
#include "sqlflow/connectors/postgres/pg_retry.h"

namespace sqlflow::connectors::pg {

std::unique_ptr<Source> MakeSource(const Runtime& runtime);
std::unique_ptr<Destination> MakeDestination(const Runtime& runtime);

}  // namespace sqlflow::connectors::pg

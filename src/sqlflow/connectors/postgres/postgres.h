// The PostgreSQL connector (CONNECTORS.md §3.5): a source that reads tables and queries with binary
// `COPY (...) TO STDOUT` decoded straight into DuckDB chunks, and a destination that writes with binary
// `COPY ... FROM STDIN` in one transaction per write (replace, append, upsert).
//
// Both are created unconfigured; Configure() takes the validated parameters of the registry entry
// (postgres_registration.cc). Every network operation follows the resilience policy of §2 (defaults §2.6).
#pragma once

#include <memory>

#include "sqlflow/connectors/base/destination.h"
#include "sqlflow/connectors/base/source.h"

namespace sqlflow::connectors {

std::unique_ptr<Source> MakePostgresSource();
std::unique_ptr<Destination> MakePostgresDestination();

}  // namespace sqlflow::connectors

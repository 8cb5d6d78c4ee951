// The s3 connector (CONNECTORS.md §3.6): factories used by the registry entries in s3_registration.cc.
#pragma once

#include <memory>

#include "sqlflow/connectors/base/destination.h"
#include "sqlflow/connectors/base/source.h"

namespace sqlflow::connectors {

std::unique_ptr<Source> MakeS3Source();
std::unique_ptr<Destination> MakeS3Destination();

}  // namespace sqlflow::connectors

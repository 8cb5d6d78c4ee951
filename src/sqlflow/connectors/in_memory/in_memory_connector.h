// The in_memory connector (CONNECTORS.md §3.4): reads and writes tables of the process-wide InMemoryStore.
// The source streams the store table and forwards DuckDB's chunks as Schema + Batch events, the same path
// the network sources use; the destination pulls the export's chunks into a staging table of the store and
// applies the mode in one store transaction.
#pragma once

#include "sqlflow/connectors/base/destination.h"
#include "sqlflow/connectors/base/source.h"
#include "sqlflow/connectors/in_memory/in_memory_options.h"

namespace sqlflow::connectors {

class InMemorySource : public Source {
 public:
  void Configure(const ResolvedParams& params) override;
  ConnectionTestResult TestConnection(engine::Connection& scratch) override;
  std::vector<ObjectRef> Discover(engine::Connection& scratch) override;
  Schema GetSchema(std::string_view object, engine::Connection& scratch) override;
  std::unique_ptr<ReadStream> Read(const ReadRequest& request, ReadContext& context) override;
  IncrementalSupport SupportsIncremental() const override { return IncrementalSupport::kPushdown; }
  ObjectMode Objects() const override { return ObjectMode::kMultiple; }

 private:
  std::string TableFor(std::string_view object) const;
  InMemorySourceOptions options_;
};

class InMemoryDestination : public Destination {
 public:
  void Configure(const ResolvedParams& options) override;
  ConnectionTestResult TestConnection() override;
  std::set<WriteMode> Modes() const override {
    return {WriteMode::kReplace, WriteMode::kAppend, WriteMode::kUpsert};
  }
  // The request's options (table_name, keys) are parsed with the same function as the configured ones.
  WriteResult Write(const WriteRequest& request, ExportInput& input) override;

 private:
  InMemoryDestinationOptions options_;
};

}  // namespace sqlflow::connectors

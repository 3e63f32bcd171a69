#pragma once
// What `multiarch image assemble` prints on stdout: the plan (--dry-run), the result as text
// (one line per platform, then the index) or as JSON (--json). docs/image.md shows both.
#include <ostream>

#include "image/assemble_plan.hpp"
#include "image/image_assembler.hpp"

namespace multiarch::cli {

/// "would write DIR (tag T, name N), epoch E from SOURCE, gzip level 6", then one line per
/// binary and per extra file, and the attestations ("SBOM SPDX, provenance SLSA v1").
void render_assemble_dry_run(std::ostream& out, const AssemblePlan& plan);

/// The text lines, or with `json` the object {layout, tag, name, digest, size, epoch,
/// layers_built, blobs_written, index_json_written, platforms: [{platform, digest, config,
/// diff_id, size, cached, attestation}]} (attestation: the platform's attestation manifest,
/// when there is one).
void render_assemble_result(std::ostream& out, const AssemblePlan& plan,
                            const AssembleResult& result, bool json);

}  // namespace multiarch::cli

#pragma once
// `multiarch buildx`'s checks of its inputs, before anything is staged or run: the platforms
// (from --platform or go-build's slug folders), the tags for the output, the provenance mode.
#include <filesystem>
#include <string>
#include <vector>

#include "buildx/buildx_strategy.hpp"
#include "platform/platform.hpp"

namespace multiarch {

/// The platforms to build: `specs` (lists and presets) when given, else every slug folder of
/// `binaries_dir` in platform-string order (buildx's --platform order: linux/arm/v7 before
/// linux/arm64). With `generate`, Linux only (the generated Dockerfile makes Linux images).
/// Throws InputError naming --binaries-dir (not a folder, no slug folders) or --platform.
std::vector<Platform> buildx_platforms(const std::filesystem::path& binaries_dir,
                                       const std::vector<std::string>& specs, const Platform& host,
                                       bool generate);

/// Every --tag must be a tag reference (no digest); --push and --load need at least one.
/// Throws InputError naming the bad tag or the missing one.
void check_buildx_tags(const std::vector<std::string>& tags, OutputKind output);

/// --provenance: "true", "false" or "mode=...": one word, no spaces. Throws InputError.
void check_provenance(const std::string& provenance);

/// --sbom: "true", "false" or "generator=...": one word, no spaces. Throws InputError.
void check_sbom(const std::string& sbom);

}  // namespace multiarch

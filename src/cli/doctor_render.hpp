#pragma once
// What `multiarch doctor` prints: the report as text (one section per tool, each problem with
// its fix) or as JSON (--json). README.md ("Dockerfile builds") shows it.
#include <nlohmann/json.hpp>
#include <ostream>

#include "doctor/doctor.hpp"

namespace multiarch::cli {

/// {go, docker, emulation, skopeo, requested, problems, ok}: the whole report.
nlohmann::ordered_json doctor_json(const DoctorReport& report);

/// The human-readable report.
void print_doctor_text(const DoctorReport& report, std::ostream& out);

}  // namespace multiarch::cli

#pragma once
// `multiarch init`: the services of a Go module, found from `go list -json ./...` (every
// package whose Name is "main"), each named from its folder the way the conventional layouts
// name them, with the config folder and cgo use the generated CMakeLists.txt needs.
#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

#include "util/process.hpp"

namespace multiarch {

/// One main package as `go list -json` reports it.
struct GoMainPackage {
  std::string import_path;
  std::string rel_dir;                ///< relative to the module root, '/'-separated; "" = root
  std::vector<std::string> go_files;  ///< GoFiles, relative to the package folder
  bool cgo = false;                   ///< CgoFiles is not empty
};

/// The main packages of the main module in `go list -json` output (a stream of JSON objects
/// with ImportPath, Name, Dir, GoFiles, CgoFiles, Module.Path, Module.Dir), sorted by folder.
/// `module_dir` is the module root the relative folders are computed from (Module.Dir when
/// empty). Throws RuntimeError on malformed output.
struct GoModuleMains {
  std::string module_path;  ///< "github.com/acme/shop"
  std::vector<GoMainPackage> mains;
};
GoModuleMains parse_main_packages(std::string_view go_list_output,
                                  const std::filesystem::path& module_dir = {});

/// The service-name rule of add_multiarch_image(SERVICE) in cmake/MultiArch.cmake:
/// ^[a-z0-9]+([._-][a-z0-9]+)*$ (a target-name suffix and an image repository component).
bool is_valid_service_name(std::string_view name);

/// Turns a folder name into a valid service name: lower case, every other character a '-',
/// runs of separators collapsed, none at either end ("User_API" -> "user_api",
/// "--x--" -> "x"); "service" when nothing is left.
std::string service_name_from_folder(std::string_view folder);

/// What `init` asks of the module's files (a fake in unit tests).
class ModuleTree {
 public:
  virtual ~ModuleTree() = default;
  /// `rel` is relative to the module root, '/'-separated.
  virtual bool is_directory(const std::string& rel) const = 0;
  /// The file's text; "" when it cannot be read.
  virtual std::string read_text(const std::string& rel) const = 0;
};

/// The real files under `root`.
class DiskModuleTree : public ModuleTree {
 public:
  explicit DiskModuleTree(std::filesystem::path root) : root_(std::move(root)) {}
  bool is_directory(const std::string& rel) const override;
  std::string read_text(const std::string& rel) const override;

 private:
  std::filesystem::path root_;
};

struct ServicePlan {
  std::string name;         ///< unique, is_valid_service_name()
  std::string package;      ///< "./app/user/service/cmd/server" ("." for the module root)
  std::string root;         ///< the service's folder: where cmd/ is ("" = module root)
  std::string config_dir;   ///< "app/user/service/configs", or "" when none was found
  bool reads_conf = false;  ///< a main file declares a "conf" flag (kratos: -conf DIR)
  bool cgo = false;
};

/// Names every main package and finds its config folder:
///  - <root>/cmd/<x>: the service is the last folder of <root> that is not a layer folder
///    (service, interface, server, svc); named after it when x equals it or is a generic
///    binary name (server, main, app, service, cmd, daemon), else "<s>-<x>"; with no such
///    folder (cmd/<x> at the module root) it is x. So application/<s>/cmd/<s> -> s,
///    cmd/<s> -> s, app/<s>/service/cmd/server -> s, app/<s>/cmd/<x> -> s or s-x.
///  - any other folder: its last element (the module path's last element for the root).
///  - a name no other service has is final: adding a service renames none but those whose
///    name it shares. Services sharing a name each take the nearest folder of their own path
///    that no other of them has at the same distance: a prefix when it lies above the folder
///    the name came from ("tools-user"), a suffix below it ("user-interface"); the shortest
///    path keeps the plain name. A name so made never takes another service's own name; it
///    goes a folder further or is numbered ("user-job-2"), as is anything still repeated.
///  - the config folder: configs/ or conf/ in the package folder or a parent of it, up to
///    the service's root (kratos' app/<s>/service/configs; configs/ at the module root for
///    cmd/<s>).
std::vector<ServicePlan> plan_services(const GoModuleMains& module, const ModuleTree& tree);

/// Runs `go list -json=... ./...` in `module_dir` (argv, through `runner`) and plans the
/// services. Throws InputError when there is no go.mod, RuntimeError when go list fails.
struct ModuleServices {
  std::filesystem::path module_dir;
  std::string module_path;
  std::vector<ServicePlan> services;
};
ModuleServices discover_services(ProcessRunner& runner, const std::filesystem::path& module_dir,
                                 const std::string& go = "go");

}  // namespace multiarch

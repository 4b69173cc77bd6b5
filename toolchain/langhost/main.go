// pulumi-language-nodejs for pulumi-intune's offline toolchain.
//
// Pulumi's own Node.js language host lives in a Go module that the module proxy available here does not
// serve, so the toolchain builds this small replacement against the Pulumi Go SDK of the same version.
// It does what the engine needs to run a Node.js program: it serves the LanguageRuntime gRPC service and,
// on Run, starts `node @pulumi/pulumi/cmd/run` with the arguments and environment that script expects;
// on RunPlugin for a policy pack (`pulumi preview --policy-pack DIR`), starts
// `node @pulumi/pulumi/cmd/run-policy-pack` (see runPolicyPack). Everything else (code generation,
// packing, templates, other plugin kinds) is left unimplemented; the engine tolerates that.
package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"

	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
	pbempty "google.golang.org/protobuf/types/known/emptypb"

	sdk "github.com/pulumi/pulumi/sdk/v3"
	"github.com/pulumi/pulumi/sdk/v3/go/common/apitype"
	"github.com/pulumi/pulumi/sdk/v3/go/common/util/rpcutil"
	pulumirpc "github.com/pulumi/pulumi/sdk/v3/proto/go"
)

// version is set with -ldflags "-X main.version=v3.x.y" to the SDK version it was built against.
var version = "v3.0.0-dev"

// The Node.js runtime exits with this code when it has already reported the error to the engine.
const nodeBailExitCode = 32

type host struct {
	pulumirpc.UnimplementedLanguageRuntimeServer

	mu            sync.Mutex
	engineAddress string
}

func main() {
	// The engine passes its own address as the last argument; flags such as -v=9 or --tracing may come
	// before it. None of them change what this host does, so they are accepted and ignored.
	var engineAddress string
	for _, a := range os.Args[1:] {
		if !strings.HasPrefix(a, "-") {
			engineAddress = a
		}
	}
	h := &host{engineAddress: engineAddress}
	handle, err := rpcutil.ServeWithOptions(rpcutil.ServeOptions{
		Init: func(s *grpc.Server) error {
			pulumirpc.RegisterLanguageRuntimeServer(s, h)
			return nil
		},
	})
	if err != nil {
		fmt.Fprintf(os.Stderr, "pulumi-language-nodejs: could not start the gRPC server: %v\n", err)
		os.Exit(1)
	}
	// The engine reads the port from our first line of output.
	fmt.Printf("%d\n", handle.Port)
	if err := <-handle.Done; err != nil {
		fmt.Fprintf(os.Stderr, "pulumi-language-nodejs: %v\n", err)
		os.Exit(1)
	}
}

func (h *host) Handshake(_ context.Context, req *pulumirpc.LanguageHandshakeRequest) (*pulumirpc.LanguageHandshakeResponse, error) {
	h.mu.Lock()
	defer h.mu.Unlock()
	if req.GetEngineAddress() != "" {
		h.engineAddress = req.GetEngineAddress()
	}
	return &pulumirpc.LanguageHandshakeResponse{}, nil
}

func (h *host) GetPluginInfo(context.Context, *pbempty.Empty) (*pulumirpc.PluginInfo, error) {
	return &pulumirpc.PluginInfo{Version: version}, nil
}

// GetRequiredPlugins lists resource plugins that installed npm packages declare (package.json
// "pulumi": {"resource": true}). Dynamic providers need none: they run in the bundled pulumi-nodejs provider.
func (h *host) GetRequiredPlugins(_ context.Context, req *pulumirpc.GetRequiredPluginsRequest) (*pulumirpc.GetRequiredPluginsResponse, error) {
	dir := req.GetInfo().GetProgramDirectory()
	if dir == "" {
		dir = req.GetProgram()
	}
	plugins, err := resourcePlugins(dir)
	if err != nil {
		return nil, err
	}
	return &pulumirpc.GetRequiredPluginsResponse{Plugins: plugins}, nil
}

type packageJSON struct {
	Name    string `json:"name"`
	Version string `json:"version"`
	Pulumi  struct {
		Resource bool   `json:"resource"`
		Name     string `json:"name"`
		Version  string `json:"version"`
		Server   string `json:"server"`
	} `json:"pulumi"`
}

// resourcePlugins reads the packages directly under the nearest node_modules folders (and their
// @scope folders). It does not recurse into nested node_modules: Pulumi packages are hoisted by npm.
func resourcePlugins(programDir string) ([]*pulumirpc.PluginDependency, error) {
	var out []*pulumirpc.PluginDependency
	seen := map[string]bool{}
	for dir := programDir; dir != "" && dir != filepath.Dir(dir); dir = filepath.Dir(dir) {
		nm := filepath.Join(dir, "node_modules")
		entries, err := os.ReadDir(nm)
		if err != nil {
			continue
		}
		var pkgDirs []string
		for _, e := range entries {
			if strings.HasPrefix(e.Name(), "@") {
				scoped, _ := os.ReadDir(filepath.Join(nm, e.Name()))
				for _, s := range scoped {
					pkgDirs = append(pkgDirs, filepath.Join(nm, e.Name(), s.Name()))
				}
			} else if !strings.HasPrefix(e.Name(), ".") {
				pkgDirs = append(pkgDirs, filepath.Join(nm, e.Name()))
			}
		}
		for _, p := range pkgDirs {
			b, err := os.ReadFile(filepath.Join(p, "package.json"))
			if err != nil {
				continue
			}
			var pkg packageJSON
			if json.Unmarshal(b, &pkg) != nil || !pkg.Pulumi.Resource {
				continue
			}
			name := pkg.Pulumi.Name
			if name == "" {
				name = strings.TrimPrefix(strings.TrimPrefix(pkg.Name, "@pulumi/"), "@")
			}
			v := pkg.Pulumi.Version
			if v == "" {
				v = pkg.Version
			}
			if v != "" && !strings.HasPrefix(v, "v") {
				v = "v" + v
			}
			if seen[name] {
				continue
			}
			seen[name] = true
			out = append(out, &pulumirpc.PluginDependency{Name: name, Kind: "resource", Version: v, Server: pkg.Pulumi.Server})
		}
	}
	return out, nil
}

func option(info *pulumirpc.ProgramInfo, name string) (interface{}, bool) {
	if info.GetOptions() == nil {
		return nil, false
	}
	v, ok := info.GetOptions().AsMap()[name]
	return v, ok
}

// typescriptEnv tells @pulumi/pulumi's runners whether to load TypeScript (Pulumi.yaml / PulumiPolicy.yaml
// runtime options `typescript`, `tsconfigpath`).
func typescriptEnv(info *pulumirpc.ProgramInfo) []string {
	typescript := true
	if v, ok := option(info, "typescript"); ok {
		if b, ok := v.(bool); ok {
			typescript = b
		}
	}
	env := []string{fmt.Sprintf("PULUMI_NODEJS_TYPESCRIPT=%t", typescript)}
	if v, ok := option(info, "tsconfigpath"); ok {
		if s, ok := v.(string); ok && s != "" {
			env = append(env, "PULUMI_NODEJS_TSCONFIG_PATH="+s)
		}
	}
	return env
}

// nodeArgs are the runtime option `nodeargs`, passed to node before the script.
func nodeArgs(info *pulumirpc.ProgramInfo) []string {
	var args []string
	if v, ok := option(info, "nodeargs"); ok {
		if s, ok := v.(string); ok && strings.TrimSpace(s) != "" {
			args = append(args, strings.Fields(s)...)
		}
	}
	return args
}

func (h *host) Run(ctx context.Context, req *pulumirpc.RunRequest) (*pulumirpc.RunResponse, error) {
	nodeBin, err := exec.LookPath("node")
	if err != nil {
		return nil, status.Error(codes.FailedPrecondition, "could not find node on the PATH")
	}
	info := req.GetInfo()
	programDir := info.GetProgramDirectory()
	if programDir == "" {
		programDir = req.GetPwd()
	}
	entry := info.GetEntryPoint()
	if entry == "" {
		entry = "."
	}
	script, err := resolveModule(nodeBin, programDir, "@pulumi/pulumi/cmd/run")
	if err != nil {
		return &pulumirpc.RunResponse{Error: err.Error()}, nil
	}

	args := nodeArgs(info)
	args = append(args, script)
	add := func(flag, value string) {
		if value != "" {
			args = append(args, "--"+flag+"="+value)
		}
	}
	h.mu.Lock()
	engine := h.engineAddress
	h.mu.Unlock()
	add("monitor", req.GetMonitorAddress())
	add("engine", engine)
	add("organization", req.GetOrganization())
	add("project", req.GetProject())
	add("stack", req.GetStack())
	add("pwd", req.GetPwd())
	add("root-directory", info.GetRootDirectory())
	if req.GetDryRun() {
		args = append(args, "--dry-run")
	}
	if req.GetParallel() > 0 {
		add("parallel", fmt.Sprint(req.GetParallel()))
	}
	args = append(args, filepath.Join(programDir, entry))
	args = append(args, req.GetArgs()...)

	// The Node.js runtime expects objects here, never JSON null.
	cfg := req.GetConfig()
	if cfg == nil {
		cfg = map[string]string{}
	}
	config, err := json.Marshal(cfg)
	if err != nil {
		return nil, err
	}
	keys := req.GetConfigSecretKeys()
	if keys == nil {
		keys = []string{}
	}
	secretKeys, err := json.Marshal(keys)
	if err != nil {
		return nil, err
	}
	env := append(os.Environ(),
		"PULUMI_CONFIG="+string(config),
		"PULUMI_CONFIG_SECRET_KEYS="+string(secretKeys),
	)
	env = append(env, typescriptEnv(info)...)

	cmd := exec.CommandContext(ctx, nodeBin, args...)
	cmd.Dir = req.GetPwd()
	cmd.Env = env
	cmd.Stdout = os.Stdout
	cmd.Stderr = os.Stderr
	if err := cmd.Run(); err != nil {
		var exitErr *exec.ExitError
		if errors.As(err, &exitErr) {
			if ws, ok := exitErr.Sys().(syscall.WaitStatus); ok && ws.ExitStatus() == nodeBailExitCode {
				return &pulumirpc.RunResponse{Bail: true}, nil
			}
			return &pulumirpc.RunResponse{Error: fmt.Sprintf("Program exited with non-zero exit code: %d", exitErr.ExitCode())}, nil
		}
		return &pulumirpc.RunResponse{Error: fmt.Sprintf("Problem executing program (could not run node): %v", err)}, nil
	}
	return &pulumirpc.RunResponse{}, nil
}

// RunPlugin runs plugins written in Node.js. Only policy packs are supported: since 3.2xx the engine
// starts a Node policy pack through the language host's RunPlugin whenever a `pulumi-language-nodejs`
// exists (the old `pulumi-analyzer-policy` shim is used only without one), so without this method
// `pulumi preview --policy-pack DIR` fails to start the pack.
func (h *host) RunPlugin(req *pulumirpc.RunPluginRequest, server pulumirpc.LanguageRuntime_RunPluginServer) error {
	if req.GetKind() != string(apitype.AnalyzerPlugin) {
		return status.Errorf(codes.Unimplemented, "pulumi-language-nodejs (pulumi-intune toolchain) runs only policy packs as plugins, not %q plugins", req.GetKind())
	}
	return runPolicyPack(req, server)
}

// runPolicyPack mirrors what Pulumi's own Node.js host does for a policy pack: the engine talks to a
// proxy analyzer (sdk.PolicyProxy) whose port we print first; once the engine has sent the stack's
// configuration, `run-policy-pack` is started in the pack's directory with that configuration in its
// environment (PULUMI_CONFIG, PULUMI_NODEJS_STACK, …, which @pulumi/policy reads), and the proxy
// forwards every later call to the port the pack prints.
func runPolicyPack(req *pulumirpc.RunPluginRequest, server pulumirpc.LanguageRuntime_RunPluginServer) error {
	ctx := server.Context()
	closer, stdout, stderr, err := rpcutil.MakeRunPluginStreams(server, false)
	if err != nil {
		return err
	}
	defer closer.Close()

	nodeBin, err := exec.LookPath("node")
	if err != nil {
		return status.Error(codes.FailedPrecondition, "could not find node on the PATH")
	}
	info := req.GetInfo()
	packDir := info.GetProgramDirectory()
	script, err := resolveModule(nodeBin, packDir, "@pulumi/pulumi/cmd/run-policy-pack")
	if err != nil {
		return err
	}

	env := append([]string{}, req.GetEnv()...)
	env = append(env, typescriptEnv(info)...)

	args := nodeArgs(info)
	// run-policy-pack takes the engine address (in req.Args) and then the pack's directory, last.
	args = append(args, script)
	args = append(args, req.GetArgs()...)
	args = append(args, packDir)

	proxy, stdout, err := sdk.NewPolicyProxy(ctx, stdout)
	if err != nil {
		return fmt.Errorf("could not start the policy pack proxy: %w", err)
	}
	config, err := proxy.AwaitConfiguration(ctx)
	if err != nil {
		return fmt.Errorf("could not get the stack configuration for the policy pack: %w", err)
	}
	if config != nil {
		set := func(k, v string) {
			if v != "" {
				env = append(env, k+"="+v)
			}
		}
		set("PULUMI_NODEJS_ORGANIZATION", config.GetOrganization())
		set("PULUMI_NODEJS_PROJECT", config.GetProject())
		set("PULUMI_NODEJS_STACK", config.GetStack())
		set("PULUMI_NODEJS_DRY_RUN", fmt.Sprint(config.GetDryRun()))
		if len(config.GetConfig()) > 0 {
			b, err := json.Marshal(config.GetConfig())
			if err != nil {
				return err
			}
			set("PULUMI_CONFIG", string(b))
		}
	}

	cmd := exec.CommandContext(ctx, nodeBin, args...)
	cmd.Dir = packDir // policy packs have always run in their own directory (it reads ./package.json)
	cmd.Env = env
	cmd.Stdout, cmd.Stderr = stdout, stderr
	if err := cmd.Start(); err != nil {
		return fmt.Errorf("could not start node for the policy pack: %w", err)
	}
	if err := proxy.Attach(ctx, cmd); err != nil {
		var exitErr *exec.ExitError
		if errors.As(err, &exitErr) {
			return fmt.Errorf("policy pack exited with code %d", exitErr.ExitCode())
		}
		return err
	}
	return closer.Close()
}

// resolveModule finds a module (a runner script of @pulumi/pulumi) the way Node would from dir.
func resolveModule(nodeBin, dir, module string) (string, error) {
	cmd := exec.Command(nodeBin, "-e", fmt.Sprintf("process.stdout.write(require.resolve(%q))", module))
	cmd.Dir = dir
	out, err := cmd.Output()
	if err != nil {
		return "", fmt.Errorf("could not find %s from %s; run npm install there", module, dir)
	}
	return strings.TrimSpace(string(out)), nil
}

package k8s

import (
	"bytes"
	"fmt"
	"path"
	"regexp"
	"sort"
	"strings"

	"gopkg.in/yaml.v3"

	"github.com/mlsec/mlsec/internal/analysis"
	"github.com/mlsec/mlsec/internal/asset"
	"github.com/mlsec/mlsec/internal/finding"
	"github.com/mlsec/mlsec/internal/index"
	"github.com/mlsec/mlsec/internal/rule"
	"github.com/mlsec/mlsec/internal/rules"
	"github.com/mlsec/mlsec/internal/source"
	"github.com/mlsec/mlsec/internal/yamlutil"
)

// grant is one dangerous permission a role gives, with where it says so.
type grant struct {
	what    string     // "read Secrets", "exec into pods", …
	at      *yaml.Node // the rule (or roleRef) granting it
	secrets []string   // resourceNames the Secret read is limited to; nil for all
	severe  bool       // impersonation, escalation or every verb on every resource
	src     *object    // the Role or binding at belongs to, for its location
}

// builtinGrants are the default ClusterRoles that grant these permissions
// (kubectl describe clusterrole admin / edit).
var builtinGrants = map[string][]string{
	"cluster-admin": {"every verb on every resource"},
	"admin":         {"read Secrets", "create pods", "exec into pods", "impersonate service accounts"},
	"edit":          {"read Secrets", "create pods", "exec into pods", "impersonate service accounts"},
}

func isRBAC(o *object) bool { return o.group() == "rbac.authorization.k8s.io" }

func has(list []string, vals ...string) bool {
	for _, l := range list {
		for _, v := range vals {
			if l == v || l == "*" {
				return true
			}
		}
	}
	return false
}

// roleGrants reads the dangerous permissions of a Role or ClusterRole.
func roleGrants(role *object) []grant {
	var out []grant
	for _, r := range limit(yamlutil.Items(yamlutil.Path(role.node, "rules"))) {
		groups := strs(yamlutil.Get(r, "apiGroups"))
		res := strs(yamlutil.Get(r, "resources"))
		verbs := strs(yamlutil.Get(r, "verbs"))
		names := strs(yamlutil.Get(r, "resourceNames"))
		core := has(groups, "")
		rbacGroup := has(groups, "rbac.authorization.k8s.io")
		switch {
		case has(groups, "*") && containsExact(res, "*") && containsExact(verbs, "*"):
			out = append(out, grant{what: "every verb on every resource", at: r, severe: true, src: role})
			continue
		}
		if core && has(res, "secrets") && has(verbs, "get", "list", "watch") {
			g := grant{what: "read Secrets", at: r, src: role}
			if len(names) > 0 {
				g.secrets, g.what = names, "read the Secrets "+strings.Join(names, ", ")
			}
			out = append(out, g)
		}
		if core && has(res, "pods") && has(verbs, "create") {
			out = append(out, grant{what: "create pods", at: r, src: role})
		}
		if core && has(res, "pods/exec", "pods/attach") && has(verbs, "create", "get") {
			out = append(out, grant{what: "exec into pods", at: r, src: role})
		}
		if has(verbs, "impersonate") && (core || has(groups, "authentication.k8s.io")) && has(res, "users", "groups", "serviceaccounts", "userextras") {
			out = append(out, grant{what: "impersonate users or service accounts", at: r, severe: true, src: role})
		}
		if rbacGroup && has(res, "roles", "clusterroles", "rolebindings", "clusterrolebindings") && has(verbs, "escalate", "bind") {
			out = append(out, grant{what: "escalate or bind roles", at: r, severe: true, src: role})
		}
		if core && has(res, "serviceaccounts/token") && has(verbs, "create") {
			out = append(out, grant{what: "mint service account tokens", at: r, severe: true, src: role})
		}
	}
	return out
}

func containsExact(list []string, v string) bool {
	for _, l := range list {
		if l == v {
			return true
		}
	}
	return false
}

func strs(n *yaml.Node) []string {
	var out []string
	for _, it := range limit(yamlutil.Items(n)) {
		out = append(out, yamlutil.Str(it))
	}
	return out
}

// boundGrant is a grant reaching a ServiceAccount through a binding.
type boundGrant struct {
	grant
	binding     *object
	role        string // "ClusterRole edit"
	clusterWide bool   // through a ClusterRoleBinding
}

// grantsOf lists what the bindings of this file, and those of its sibling
// manifests, give ServiceAccount ns/name.
func (f *file) grantsOf(ns, name string) []boundGrant {
	var out []boundGrant
	for _, b := range f.bindings {
		if !bindsSA(b, ns, name) {
			continue
		}
		ref := yamlutil.Get(b.node, "roleRef")
		kind, rname := yamlutil.Str(yamlutil.Get(ref, "kind")), yamlutil.Str(yamlutil.Get(ref, "name"))
		cluster := b.kind == "ClusterRoleBinding"
		var gs []grant
		if kind == "ClusterRole" {
			if role := f.roles["ClusterRole/"+rname]; role != nil {
				gs = roleGrants(role)
			} else {
				for _, w := range builtinGrants[rname] {
					gs = append(gs, grant{what: w, at: ref, severe: w == "every verb on every resource", src: b})
				}
			}
		} else if role := f.roles["Role/"+nsKey(b.namespace, rname)]; role != nil {
			gs = roleGrants(role)
		}
		for _, g := range gs {
			out = append(out, boundGrant{grant: g, binding: b, role: kind + " " + rname, clusterWide: cluster})
		}
	}
	return out
}

// bindsSA reports whether binding b names ServiceAccount ns/name.
func bindsSA(b *object, ns, name string) bool {
	for _, s := range limit(yamlutil.Items(yamlutil.Get(b.node, "subjects"))) {
		if yamlutil.Str(yamlutil.Get(s, "kind")) != "ServiceAccount" || yamlutil.Str(yamlutil.Get(s, "name")) != name {
			continue
		}
		sns := yamlutil.Str(yamlutil.Get(s, "namespace"))
		if sns == "" {
			sns = b.namespace
		}
		if nsKey(sns, "") == nsKey(ns, "") {
			return true
		}
	}
	return false
}

// checkRBAC reports an ML workload whose ServiceAccount the file's RBAC
// lets read Secrets, run or exec into pods, impersonate or escalate, and
// records what the account can use: an edge from the workload to the
// account's permissions, and from there to the Secrets it can read.
func (f *file) checkRBAC(p *pod, workload string) {
	if !mlRole(p.role) {
		return
	}
	name, at := serviceAccountOf(p)
	// The directory's other manifests may declare the account and bind it
	// (rbac.yaml beside deployment.yaml), the default account included.
	// The index reads each sibling once per scan, and only documents that
	// can matter are parsed (see loadRBACSiblings).
	f.loadRBACSiblings()
	if len(f.bindings) == 0 {
		return
	}
	if am := p.field("automountServiceAccountToken"); am != nil && isFalse(am) {
		return
	}
	sa := f.sas[nsKey(p.obj.namespace, name)]
	if sa == nil {
		sa = f.sibSAs[nsKey(p.obj.namespace, name)]
	}
	if sa != nil && p.field("automountServiceAccountToken") == nil && isFalse(yamlutil.Get(sa.node, "automountServiceAccountToken")) {
		return
	}
	gs := f.grantsOf(p.obj.namespace, name)
	if len(gs) == 0 {
		return
	}
	if at == nil {
		at = p.where
	}
	if !f.first(fmt.Sprintf("rbac:%d:%d", at.Line, at.Column)) {
		return
	}
	// The account's permissions are an asset the workload can use.
	perm := asset.Credential("k8s-service-account", nsKey(p.obj.namespace, name))
	perm.Locations = []finding.Location{f.loc(at)}
	var whats []string
	seen := map[string]bool{}
	severe, clusterSecrets := false, false
	var related []finding.Related
	for _, g := range gs {
		if !seen[g.what] {
			seen[g.what] = true
			whats = append(whats, g.what)
		}
		severe = severe || g.severe
		if g.clusterWide && strings.HasPrefix(g.what, "read Secrets") && g.secrets == nil {
			clusterSecrets = true
		}
		related = append(related, finding.Related{Location: f.locOf(g.src, g.at), Message: fmt.Sprintf("%s lets it %s", g.role+roleIn(g), g.what)})
		if g.binding.node != nil {
			related = append(related, finding.Related{Location: f.locOf(g.binding, g.binding.node), Message: fmt.Sprintf("%s %s%s grants %s to ServiceAccount %s", g.binding.kind, g.binding.name, g.binding.in(), g.role, name)})
		}
	}
	sort.Strings(whats)
	perm.Attrs = map[string]string{"permissions": strings.Join(whats, "; ")}
	f.pass.AddAsset(perm)
	if workload != "" {
		f.pass.AddEdge(finding.Edge{From: workload, To: perm.ID, Kind: finding.EdgeUsesSecret})
	}
	f.secretGrantEdges(perm.ID, p.obj.namespace, gs)

	d := analysis.Diagnostic{Rule: rules.RBACExcessive, Location: f.loc(at), Evidence: "serviceAccountName: " + name,
		Message: fmt.Sprintf("%s %s runs as ServiceAccount %s, which RBAC lets %s; code execution in the pod inherits these permissions", p.obj.kind, p.obj.name, name, strings.Join(whats, ", ")),
		Assets:  ids(workload, perm.ID), Related: dedupRelated(related)}
	switch {
	case severe:
		d.Severity, d.SeverityReason = rule.Critical, "the account can impersonate, escalate or do anything, which is control of the cluster"
	case clusterSecrets:
		d.Severity, d.SeverityReason = rule.Critical, "a ClusterRoleBinding lets it read the Secrets of every namespace"
	}
	f.pass.Report(d)
}

// secretGrantEdges links the permission asset to the Secrets it can read:
// the named ones, or every Secret of the namespace this file declares.
func (f *file) secretGrantEdges(from, ns string, gs []boundGrant) {
	for _, g := range gs {
		if !strings.HasPrefix(g.what, "read") || !strings.Contains(g.what, "Secrets") {
			continue
		}
		var keys []string
		if g.secrets != nil {
			for _, s := range g.secrets {
				keys = append(keys, nsKey(ns, s))
			}
		} else {
			for k, o := range f.secrets {
				if g.clusterWide || nsKey(o.namespace, "") == nsKey(ns, "") {
					keys = append(keys, k)
				}
			}
			sort.Strings(keys)
		}
		for _, k := range keys {
			a := asset.Credential("k8s", k)
			if o := f.secrets[k]; o != nil {
				a.Locations = []finding.Location{f.loc(o.node)}
			} else {
				a.Locations = []finding.Location{f.locOf(g.src, g.at)}
			}
			f.pass.AddAsset(a)
			f.pass.AddEdge(finding.Edge{From: from, To: a.ID, Kind: finding.EdgeUsesSecret})
		}
	}
}

// rbacKind finds the RBAC kinds, and ServiceAccounts, in YAML or JSON text.
var rbacKind = regexp.MustCompile(`(?m)\bkind"?\s*:\s*["']?(Role|ClusterRole|RoleBinding|ClusterRoleBinding|ServiceAccount)["']?\s*(,|}|$)`)

// loadRBACSiblings reads the Roles, ClusterRoles, bindings and
// ServiceAccounts of the sibling manifests (rbac.yaml beside
// deployment.yaml), once per analyzed file and only for a file with an ML
// workload. Like the exposure context of xfile.go, they lend context only:
// the finding stays at the workload, and the sibling's binding and role are
// Related places. A Role or ServiceAccount of the analyzed file wins over a
// sibling's of the same name.
func (f *file) loadRBACSiblings() {
	if f.rbacDone {
		return
	}
	f.rbacDone = true
	if f.pass.Kind != source.Kubernetes {
		return
	}
	// The accounts of this file's ML workloads: only documents naming one
	// of them (a binding's subject, a ServiceAccount) are parsed, and then
	// only the Roles those bindings refer to, so a directory of many RBAC
	// files costs a byte search per document, not a parse.
	var accounts [][]byte
	usesDefault := false
	for _, p := range f.pods {
		name, _ := serviceAccountOf(p)
		switch {
		case !mlRole(p.role):
		case name == "default":
			usesDefault = true
		default:
			accounts = append(accounts, []byte(name))
		}
	}
	// "default" is in most manifests (namespace: default), so for the
	// default account only bindings whose subjects name it are parsed.
	bindsDefault := func(doc []byte) bool {
		return usesDefault && bytes.Contains(doc, []byte("Binding")) && defaultSubject.Match(doc)
	}
	mentions := func(doc []byte, names [][]byte) bool {
		for _, n := range names {
			if bytes.Contains(doc, n) {
				return true
			}
		}
		return false
	}
	type sibDoc struct {
		doc  []byte
		path string
		off  int
	}
	var roleDocs []sibDoc
	var roleNames [][]byte
	for _, b := range f.bindings { // this file's bindings may name a sibling's Role
		roleNames = append(roleNames, []byte(yamlutil.Str(yamlutil.Path(b.node, "roleRef", "name"))))
	}
	budget := maxObjects
	add := func(d sibDoc) []*object {
		docs, _ := yamlutil.Parse(d.doc) // a broken document lends nothing; its file reports the error
		objs := collectObjects(docs, budget)
		budget -= len(objs)
		for _, o := range objs {
			o.sibling, o.path, o.lineOff = path.Base(d.path), d.path, d.off
		}
		return objs
	}
	for _, sf := range f.pass.Siblings(source.Kubernetes) {
		for _, rd := range rbacDocsOf(sf) {
			doc, off := rd.doc, rd.off
			if budget <= 0 || f.canceled() {
				return
			}
			if !mentions(doc, accounts) && !bindsDefault(doc) {
				if bytes.Contains(doc, []byte("rules")) {
					roleDocs = append(roleDocs, sibDoc{doc, sf.Path, off}) // a Role, parsed if a binding names it
				}
				continue
			}
			for _, o := range add(sibDoc{doc, sf.Path, off}) {
				f.addSiblingRBAC(o)
				if o.kind == "RoleBinding" || o.kind == "ClusterRoleBinding" {
					roleNames = append(roleNames, []byte(yamlutil.Str(yamlutil.Path(o.node, "roleRef", "name"))))
				}
			}
		}
	}
	for _, d := range roleDocs {
		if budget <= 0 || f.canceled() {
			return
		}
		if mentions(d.doc, roleNames) {
			for _, o := range add(d) {
				f.addSiblingRBAC(o)
			}
		}
	}
}

// rbacDoc is one document of a sibling that declares an RBAC object, and
// the line it starts after.
type rbacDoc struct {
	doc []byte
	off int
}

// rbacDocsOf splits a sibling into its RBAC documents, once per scan for
// all the files of the directory that read it.
func rbacDocsOf(sf index.Sibling) []rbacDoc {
	return sf.Memo("k8s.rbacDocs", func() any {
		var out []rbacDoc
		if !bytes.Contains(sf.Content, []byte("Role")) && !bytes.Contains(sf.Content, []byte("ServiceAccount")) ||
			!rbacKind.Match(sf.Content) {
			return out // neither a binding nor an account
		}
		line := 0
		for _, doc := range documents(sf.Content) {
			off := line
			line += bytes.Count(doc, []byte("\n"))
			if rbacKind.Match(doc) {
				out = append(out, rbacDoc{doc, off})
			}
		}
		return out
	}).([]rbacDoc)
}

// defaultSubject finds a subject named default: "name: default" in block
// or flow style, quoted or not.
var defaultSubject = regexp.MustCompile(`name:\s*["']?default["']?\s*[,}\n]`)

// addSiblingRBAC records a ServiceAccount, Role or binding of a sibling.
func (f *file) addSiblingRBAC(o *object) {
	switch o.kind {
	case "ServiceAccount":
		if f.sibSAs == nil {
			f.sibSAs = map[string]*object{}
		}
		if k := nsKey(o.namespace, o.name); f.sibSAs[k] == nil {
			f.sibSAs[k] = o
		}
	case "Role", "ClusterRole":
		if !isRBAC(o) {
			return
		}
		if f.roles == nil {
			f.roles = map[string]*object{}
		}
		k := "ClusterRole/" + o.name
		if o.kind == "Role" {
			k = "Role/" + nsKey(o.namespace, o.name)
		}
		if f.roles[k] == nil {
			f.roles[k] = o
		}
	case "RoleBinding", "ClusterRoleBinding":
		if isRBAC(o) {
			f.bindings = append(f.bindings, o)
		}
	}
}

// mlRole reports whether pods of role r are in the RBAC rule's scope.
func mlRole(r role) bool {
	switch r {
	case roleServing, roleNotebook, roleTraining, roleWorkflow, roleRay, roleRegistry:
		return true
	}
	return false
}

// roleIn is " in FILE" when the grant's Role was read from a sibling.
func roleIn(g boundGrant) string {
	if g.src == g.binding {
		return "" // a built-in ClusterRole, named by the binding
	}
	return g.src.in()
}

func dedupRelated(rs []finding.Related) []finding.Related {
	seen := map[string]bool{}
	var out []finding.Related
	for _, r := range rs {
		k := fmt.Sprintf("%s:%d:%d:%s", r.Location.Path, r.Location.Line, r.Location.Column, r.Message)
		if !seen[k] {
			seen[k] = true
			out = append(out, r)
		}
	}
	return out
}

package graphmock

// The rules of the Temporary Access Pass API, each in one place (their sources: doc.go, "Sources").

import (
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"encoding/hex"
	"fmt"
	"github.com/google/uuid"
	"math/big"
	"net/http"
	"reflect"
	"slices"
	"strings"
	"time"
)

const (
	policyID           = "TemporaryAccessPass"
	policyODataType    = "#microsoft.graph.temporaryAccessPassAuthenticationMethodConfiguration"
	passODataType      = "#microsoft.graph.temporaryAccessPassAuthenticationMethod"
	allUsersTarget     = "all_users"
	userTypeMember     = "Member"
	userTypeGuest      = "Guest"
	stateEnabled       = "enabled"
	stateDisabled      = "disabled"
	targetTypeUser     = "user"
	targetTypeGroup    = "group"
	minLifetimeBound   = 10
	maxLifetimeBound   = 43200
	minCodeLength      = 8
	maxCodeLength      = 48
	maxCheckGroupIDs   = 20
	codeAlphabet       = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789#+-!@$%&*=?"
	codeSaltBytes      = 16
	reasonEnabled      = "EnabledByPolicy"
	reasonDisabled     = "DisabledByPolicy"
	reasonExpired      = "Expired"
	reasonNotYetValid  = "NotYetValid"
	reasonOneTimeUsed  = "OneTimeUsed"
	reasonUserNotFound = "UserNotFound"
)

// Graph's messages for the pass rules. msgOneTimeRequired is unverified: Graph's exact
// answer to a multi-use pass under a one-time policy is not documented; the mock answers 400.
const (
	msgGuest           = "Temporary Access Pass cannot be added to an external guest user"
	msgLifetimeRange   = "Invalid LifetimeInMinutes specified. The valid range between %d and %d."
	msgOneTimeRequired = "The Temporary Access Pass policy requires one-time passes (isUsableOnce is true); a pass with isUsableOnce false cannot be created."
	msgPolicyScope     = "Converged UserCredentialPolicy does not allow creating or updating this authentication method. AuthMethodType [TemporaryAccessPass]"
	// Graph's answer to a startDateTime before now, captured in microsoftgraph/msgraph-sdk-dotnet#2724.
	msgStartInPast = "Invalid StartDateTime specified. It can not be a time in the past."
)

// DefaultPolicy is the TAP policy of a tenant that never touched it, and what DELETE restores.
func DefaultPolicy() Policy {
	return Policy{
		State:                    stateDisabled,
		DefaultLifetimeInMinutes: 60,
		MinimumLifetimeInMinutes: 60,
		MaximumLifetimeInMinutes: 480,
		DefaultLength:            8,
		IsUsableOnce:             false,
		IncludeTargets:           []IncludeTarget{{ID: allUsersTarget, TargetType: targetTypeGroup}},
		ExcludeTargets:           []ExcludeTarget{},
	}
}

// validatePolicy checks a whole policy (after a PATCH is merged into the current one).
func validatePolicy(p Policy, t *tenant) *graphError {
	// The members of authenticationMethodState (the CSDL, facts.go): enabled, disabled.
	if states := edmMembers(graphNS + "authenticationMethodState"); !slices.Contains(states, p.State) {
		return badRequest("Invalid value '%s' for property 'state': must be '%s'.", p.State, strings.Join(states, "' or '"))
	}
	for name, v := range map[string]int{"minimumLifetimeInMinutes": p.MinimumLifetimeInMinutes, "maximumLifetimeInMinutes": p.MaximumLifetimeInMinutes} {
		if v < minLifetimeBound || v > maxLifetimeBound {
			return badRequest("Invalid value %d for property '%s': must be between %d and %d.", v, name, minLifetimeBound, maxLifetimeBound)
		}
	}
	if p.MinimumLifetimeInMinutes > p.MaximumLifetimeInMinutes {
		return badRequest("minimumLifetimeInMinutes (%d) must not be greater than maximumLifetimeInMinutes (%d).", p.MinimumLifetimeInMinutes, p.MaximumLifetimeInMinutes)
	}
	if p.DefaultLifetimeInMinutes < p.MinimumLifetimeInMinutes || p.DefaultLifetimeInMinutes > p.MaximumLifetimeInMinutes {
		return badRequest("defaultLifetimeInMinutes (%d) must be between minimumLifetimeInMinutes (%d) and maximumLifetimeInMinutes (%d).", p.DefaultLifetimeInMinutes, p.MinimumLifetimeInMinutes, p.MaximumLifetimeInMinutes)
	}
	if p.DefaultLength < minCodeLength || p.DefaultLength > maxCodeLength {
		return badRequest("Invalid value %d for property 'defaultLength': must be between %d and %d.", p.DefaultLength, minCodeLength, maxCodeLength)
	}
	seen := map[string]bool{}
	for _, tg := range p.IncludeTargets {
		if err := validateTarget("includeTargets", tg.ID, tg.TargetType, t, seen); err != nil {
			return err
		}
	}
	seen = map[string]bool{}
	for _, tg := range p.ExcludeTargets {
		if strings.EqualFold(tg.ID, allUsersTarget) {
			return badRequest("excludeTargets cannot contain '%s'.", allUsersTarget)
		}
		if err := validateTarget("excludeTargets", tg.ID, tg.TargetType, t, seen); err != nil {
			return err
		}
	}
	return nil
}

// validateTarget checks one include/exclude target: a known type and an existing object.
func validateTarget(list, id, targetType string, t *tenant, seen map[string]bool) *graphError {
	if id == "" {
		return badRequest("Each entry of %s needs an 'id'.", list)
	}
	if seen[strings.ToLower(id)] {
		return badRequest("Duplicate target '%s' in %s.", id, list)
	}
	seen[strings.ToLower(id)] = true
	switch targetType {
	case "":
		// targetType is non-nullable in the v1.0 schema (msgraph-metadata, authenticationMethodTarget
		// and excludeTarget, schemas/v1.0-Prod.csdl): a target without it is refused, not given a default.
		return badRequest("The property 'targetType' is required on every entry of %s: 'user' or 'group'.", list)
	case targetTypeGroup:
		if strings.EqualFold(id, allUsersTarget) || t.group(id) != nil {
			return nil
		}
		// A well-formed id of a group that does not exist (a deleted one) is kept by Graph as
		// far as public reports show (Microsoft365DSC#5420); disputed: Settings.MissingGroupTargets.
		if _, err := uuid.Parse(id); err == nil && t.settings.MissingGroupTargets != MissingGroupRefuse {
			return nil
		}
		return badRequest("Invalid target in %s: group '%s' does not exist in the directory.", list, id)
	case targetTypeUser:
		if u := t.users[strings.ToLower(id)]; u != nil {
			return nil
		}
		return badRequest("Invalid target in %s: user '%s' does not exist in the directory.", list, id)
	default:
		return badRequest("Invalid value '%s' for property 'targetType' in %s: must be 'user' or 'group'.", targetType, list)
	}
}

// userTargeted reports whether the policy lets the user sign in with a pass:
// the user is in includeTargets (all_users, the user, or one of its groups) and not in excludeTargets.
func userTargeted(p Policy, t *tenant, userID string) bool {
	matches := func(id, targetType string) bool {
		switch targetType {
		case targetTypeUser:
			return strings.EqualFold(id, userID)
		case targetTypeGroup:
			return strings.EqualFold(id, allUsersTarget) || t.isMember(id, userID)
		}
		return false
	}
	included := false
	for _, tg := range p.IncludeTargets {
		if matches(tg.ID, tg.TargetType) {
			included = true
			break
		}
	}
	if !included {
		return false
	}
	for _, tg := range p.ExcludeTargets {
		if matches(tg.ID, tg.TargetType) {
			return false
		}
	}
	return true
}

// usability computes isUsable and methodUsabilityReason from the tenant clock.
// Precedence: OneTimeUsed, Expired, DisabledByPolicy, NotYetValid, then EnabledByPolicy.
func usability(p *Pass, t *tenant, now time.Time) (bool, string) {
	switch {
	case p.Used:
		return false, reasonOneTimeUsed
	case !now.Before(p.expires()):
		return false, reasonExpired
	case t.policy.State != stateEnabled || !userTargeted(t.policy, t, p.UserID):
		return false, reasonDisabled
	case now.Before(p.StartDateTime):
		return false, reasonNotYetValid
	}
	return true, reasonEnabled
}

// policyScopeRefusal is the disputed rule for a pass the policy would not let its user sign
// in with. The Entra how-to
// (learn.microsoft.com/entra/identity/authentication/howto-authentication-temporary-access-pass)
// says any user can be given a pass and only targeted users can use it: PolicyScopeAllow,
// where the pass is created and reads DisabledByPolicy. Admins report Graph refusing instead,
// 400 msgPolicyScope (MicrosoftDocs/azure-docs #111778), also for a while right after the
// policy was enabled or the user added to a targeted group (replication): PolicyScopeRefuse,
// the default, with Settings.PolicyReplicationSeconds as that while, on the tenant clock.
func policyScopeRefusal(t *tenant, u *User, now time.Time) *graphError {
	if t.settings.PolicyScope == PolicyScopeAllow {
		return nil
	}
	if t.policy.State != stateEnabled || !userTargeted(t.policy, t, u.ID) {
		return badRequest(msgPolicyScope)
	}
	window := t.settings.replicationWindow()
	since := t.policyChangedAt
	if j := t.joinedAt[strings.ToLower(u.ID)]; j.After(since) {
		since = j
	}
	if window > 0 && !since.IsZero() && now.Before(since.Add(window)) {
		return badRequest(msgPolicyScope)
	}
	return nil
}

// notePolicyChange starts the replication window when a PATCH enables the policy or changes
// whom it targets.
func notePolicyChange(t *tenant, before, after Policy) {
	enabled := before.State != stateEnabled && after.State == stateEnabled
	retargeted := !reflect.DeepEqual(before.IncludeTargets, after.IncludeTargets) || !reflect.DeepEqual(before.ExcludeTargets, after.ExcludeTargets)
	if enabled || (after.State == stateEnabled && retargeted) {
		t.policyChangedAt = t.now()
	}
}

// newPass applies the creation rules and returns the pass (with its code's hash) and the code.
// Whether a user the policy does not target can be given a pass is the tenant's PolicyScope
// setting (policyScopeRefusal).
func newPass(t *tenant, u *User, req passRequest, id string) (*Pass, string, *graphError) {
	if u.externalGuest() {
		return nil, "", badRequest(msgGuest)
	}
	if gerr := policyScopeRefusal(t, u, t.now()); gerr != nil {
		return nil, "", gerr
	}
	pol := t.policy
	lifetime := pol.DefaultLifetimeInMinutes
	if req.LifetimeInMinutes != nil {
		lifetime = *req.LifetimeInMinutes
	}
	if lifetime < pol.MinimumLifetimeInMinutes || lifetime > pol.MaximumLifetimeInMinutes {
		return nil, "", badRequest(msgLifetimeRange, pol.MinimumLifetimeInMinutes, pol.MaximumLifetimeInMinutes)
	}
	once := pol.IsUsableOnce
	if req.IsUsableOnce != nil {
		once = *req.IsUsableOnce
	}
	if pol.IsUsableOnce && !once {
		return nil, "", badRequest(msgOneTimeRequired)
	}
	created := t.now().Truncate(100 * time.Nanosecond) // Graph's precision: seven fractional digits
	now := created.Truncate(time.Second)
	start := now
	if req.start != nil {
		start = req.start.UTC()
		if start.Before(now) { // by the tenant's clock, to the second (a start this second is now)
			return nil, "", badRequest(msgStartInPast)
		}
	}
	code, err := generateCode(pol.DefaultLength)
	if err != nil {
		return nil, "", &graphError{Status: 500, Code: codeGeneralException, Message: "Could not generate a code."}
	}
	salt, hash, err := hashNewCode(code)
	if err != nil {
		return nil, "", &graphError{Status: 500, Code: codeGeneralException, Message: "Could not hash the code."}
	}
	return &Pass{
		ID:                id,
		UserID:            u.ID,
		CreatedDateTime:   created,
		StartDateTime:     start,
		LifetimeInMinutes: lifetime,
		IsUsableOnce:      once,
		CodeSalt:          salt,
		CodeHash:          hash,
	}, code, nil
}

// putPass stores a new pass: one pass per user, so it replaces the user's pass, whose id
// then answers 404. It returns the replaced pass, or nil.
func putPass(t *tenant, p *Pass) (replaced *Pass) {
	key := strings.ToLower(p.UserID)
	replaced = t.passes[key]
	t.passes[key] = p
	return replaced
}

// generateCode draws length characters from codeAlphabet with crypto/rand.
func generateCode(length int) (string, error) {
	var b strings.Builder
	n := big.NewInt(int64(len(codeAlphabet)))
	for range length {
		i, err := rand.Int(rand.Reader, n)
		if err != nil {
			return "", err
		}
		b.WriteByte(codeAlphabet[i.Int64()])
	}
	return b.String(), nil
}

// hashNewCode returns a fresh salt and SHA-256(salt || code), both encoded.
func hashNewCode(code string) (salt, hash string, err error) {
	s := make([]byte, codeSaltBytes)
	if _, err := rand.Read(s); err != nil {
		return "", "", err
	}
	salt = base64.StdEncoding.EncodeToString(s)
	return salt, hashCode(s, code), nil
}

func hashCode(salt []byte, code string) string {
	h := sha256.New()
	h.Write(salt)
	h.Write([]byte(code))
	return hex.EncodeToString(h.Sum(nil))
}

func (p *Pass) codeMatches(code string) bool {
	salt, err := base64.StdEncoding.DecodeString(p.CodeSalt)
	if err != nil {
		return false
	}
	return subtle.ConstantTimeCompare([]byte(hashCode(salt, code)), []byte(p.CodeHash)) == 1
}

// SignInError is why a sign-in with a pass failed. Reason is one of NoPass, WrongCode,
// Expired, NotYetValid, OneTimeUsed, DisabledByPolicy, UserNotFound. It never holds the code.
type SignInError struct {
	Reason  string
	Message string
}

func (e *SignInError) Error() string { return e.Reason + ": " + e.Message }

// signIn checks a code for a user now; a one-time pass becomes used on success.
func signIn(t *tenant, userIDOrUPN, code string) (*User, *SignInError) {
	u := t.user(userIDOrUPN)
	if u == nil {
		return nil, &SignInError{Reason: reasonUserNotFound, Message: fmt.Sprintf("user '%s' does not exist", userIDOrUPN)}
	}
	p := t.passes[strings.ToLower(u.ID)]
	if p == nil {
		return u, &SignInError{Reason: "NoPass", Message: "the user has no Temporary Access Pass"}
	}
	if !p.codeMatches(code) {
		return u, &SignInError{Reason: "WrongCode", Message: "the code does not match the user's Temporary Access Pass"}
	}
	usable, reason := usability(p, t, t.now())
	if !usable {
		msgs := map[string]string{
			reasonOneTimeUsed: "the one-time pass was already used",
			reasonExpired:     "the pass has expired",
			reasonDisabled:    "the Temporary Access Pass policy does not let this user sign in with a pass",
			reasonNotYetValid: "the pass is not valid yet",
		}
		return u, &SignInError{Reason: reason, Message: msgs[reason]}
	}
	if p.IsUsableOnce {
		p.Used = true
	}
	return u, nil
}

// --- delegated access: directory roles ---

// The directory roles the mock knows, by name, with Microsoft's published template ids
// (Microsoft Entra built-in roles, "permissions-reference": the wids claim carries these).
const (
	RoleGlobalAdministrator                   = "Global Administrator"
	RoleGlobalReader                          = "Global Reader"
	RoleAuthenticationAdministrator           = "Authentication Administrator"
	RolePrivilegedAuthenticationAdministrator = "Privileged Authentication Administrator"
	RoleAuthenticationPolicyAdministrator     = "Authentication Policy Administrator"
	RoleDirectoryReaders                      = "Directory Readers"
	RoleGuestInviter                          = "Guest Inviter"
	RoleMessageCenterReader                   = "Message Center Reader"
	RoleReportsReader                         = "Reports Reader"
	RolePasswordAdministrator                 = "Password Administrator"
	RoleUsageSummaryReportsReader             = "Usage Summary Reports Reader"
	RoleUserExperienceSuccessManager          = "User Experience Success Manager"
)

var roleTemplateIDs = map[string]string{
	RoleGlobalAdministrator:                   "62e90394-69f5-4237-9190-012177145e10",
	RoleGlobalReader:                          "f2ef992c-3afb-46b9-b7cf-a126ee74c451",
	RoleAuthenticationAdministrator:           "c4e39bd9-1100-46d3-8c65-fb160da0071f",
	RolePrivilegedAuthenticationAdministrator: "7be44c8a-adaf-4e2a-84d6-ab2649e08a13",
	RoleAuthenticationPolicyAdministrator:     "0526716b-113d-4c15-b2c8-68e3c22b9f80",
	RoleDirectoryReaders:                      "88d8e3e3-8f55-4a1e-953a-9b9898b8876b",
	RoleGuestInviter:                          "95e79109-95c0-4d8e-aee3-d01accf2d47b",
	RoleMessageCenterReader:                   "790c1fb9-7f7d-4f88-86a1-ef1f95c05c1b",
	RoleReportsReader:                         "4a5d8f65-41da-4de4-8968-e035b65339cf",
	RolePasswordAdministrator:                 "966707d0-3269-4727-9be2-8c3a10f19b9d",
	RoleUsageSummaryReportsReader:             "75934031-6c7e-415a-99d7-48dbd49e875e",
	RoleUserExperienceSuccessManager:          "27460883-1df1-4691-b032-3b79643e5e63",
}

// delegatedOp is what a delegated call does, for the role rules.
type delegatedOp int

const (
	opDirectoryRead delegatedOp = iota // users, groups, role assignments: any signed-in member
	opPolicyRead
	opPolicyWrite
	opPassList    // list a user's passes (never a code)
	opPassReadOne // read one pass's details
	opPassWrite   // create a pass
	opPassDelete  // delete a pass
	opMethodsRead // list a user's registered methods
)

// Source for the pass rules: Graph's temporaryAccessPassAuthenticationMethod pages (create, get,
// list, delete), "Permissions" → delegated: "the signed-in user must be assigned a supported
// Microsoft Entra role": Authentication Administrator or Privileged Authentication Administrator to
// write; Global Reader too to read; "Admins can't ... for their own account". Who covers whom:
// entra-docs docs/identity/role-based-access-control/privileged-roles-permissions.md, "Who can
// reset passwords" and "Who can perform sensitive actions" (the Auth Admin column of both): an
// Authentication Administrator acts only on users without an admin role or holding only the
// roles of authAdminCoverable, and never on a member of a role-assignable group; a Privileged
// Authentication Administrator and a Global Administrator on everyone.
// Source for the policy rules: authenticationMethodConfigurations (get, update): reads by
// Global Reader or Authentication Policy Administrator, writes by Authentication Policy Administrator.
var (
	authAdminCoverable = map[string]bool{RoleAuthenticationAdministrator: true, RoleDirectoryReaders: true, RoleGuestInviter: true,
		RoleMessageCenterReader: true, RolePasswordAdministrator: true, RoleReportsReader: true,
		RoleUserExperienceSuccessManager: true, RoleUsageSummaryReportsReader: true}
	passReadAllRoles  = []string{RoleGlobalReader, RolePrivilegedAuthenticationAdministrator, RoleGlobalAdministrator}
	passWriteAllRoles = []string{RolePrivilegedAuthenticationAdministrator, RoleGlobalAdministrator}
	policyReadRoles   = []string{RoleGlobalReader, RoleAuthenticationPolicyAdministrator, RoleGlobalAdministrator}
	policyWriteRoles  = []string{RoleAuthenticationPolicyAdministrator, RoleGlobalAdministrator}
)

// msgRoleDenied is Graph's 403 message on the authentication-method endpoints, as observed (no
// Microsoft page quotes it; the roles: docs-contrib api-reference/v1.0/api/authentication-post-temporaryaccesspassmethods.md):
// it does not say which role is missing; the provider works that out itself.
const msgRoleDenied = "Request Authorization failed"

func roleDenied() *graphError {
	return &graphError{Status: http.StatusForbidden, Code: codeAccessDenied, Message: msgRoleDenied}
}

func holdsAny(u *User, roles []string) bool {
	for _, have := range u.Roles {
		for _, want := range roles {
			if have == want {
				return true
			}
		}
	}
	return false
}

// coveredByAuthAdmin reports whether an Authentication Administrator may act on target: it
// holds no admin role beyond authAdminCoverable and is no member of a role-assignable group.
func coveredByAuthAdmin(t *tenant, target *User) bool {
	for _, r := range target.Roles {
		if !authAdminCoverable[r] {
			return false
		}
	}
	return len(t.roleAssignableGroupsOf(target.ID)) == 0
}

// delegatedRule decides a delegated call of caller on target (nil: no user in the path).
func delegatedRule(t *tenant, op delegatedOp, caller, target *User) *graphError {
	switch op {
	case opPolicyRead:
		if !holdsAny(caller, policyReadRoles) {
			return roleDenied()
		}
	case opPolicyWrite:
		if !holdsAny(caller, policyWriteRoles) {
			return roleDenied()
		}
	case opPassList, opPassReadOne, opPassWrite, opPassDelete, opMethodsRead:
		if strings.EqualFold(target.ID, caller.ID) {
			// Acting on self needs no role: a user lists and reads their own pass (never a code) and
			// methods, and deletes their own pass (temporaryaccesspassauthenticationmethod-get.md,
			// -delete.md, authentication-list-methods.md); no one creates a pass for themselves.
			if op != opPassWrite {
				return nil
			}
			return roleDenied()
		}
		// Reading methods has the reach of reading passes (authentication-list-methods.md's
		// rbac-authentication-methods-apis-read-others include): the same rule, below.
		all := passWriteAllRoles
		if op != opPassWrite && op != opPassDelete {
			all = passReadAllRoles
		}
		if holdsAny(caller, all) {
			return nil
		}
		if holdsAny(caller, []string{RoleAuthenticationAdministrator}) && coveredByAuthAdmin(t, target) {
			return nil
		}
		return roleDenied()
	}
	return nil
}

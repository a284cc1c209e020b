package provider

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/hashicorp/terraform-plugin-framework-timeouts/ephemeral/timeouts"
	"github.com/hashicorp/terraform-plugin-framework-validators/int64validator"
	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/ephemeral"
	"github.com/hashicorp/terraform-plugin-framework/ephemeral/schema"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/entratap/terraform-provider-entratap/internal/graph"
)

var (
	_ ephemeral.EphemeralResourceWithConfigure = &PassEphemeralResource{}
	_ ephemeral.EphemeralResourceWithClose     = &PassEphemeralResource{}
)

// passPrivateKey holds, between Open and Close, which pass to revoke.
const passPrivateKey = "pass"

// PassEphemeralResource issues a Temporary Access Pass for the length of a
// Terraform run, without writing the code to state or plan.
type PassEphemeralResource struct {
	client *graph.Client
	run    *runState
}

func NewPassEphemeralResource() ephemeral.EphemeralResource { return &PassEphemeralResource{} }

type passEphemeralModel struct {
	passFields
	UserID              types.String   `tfsdk:"user_id"`
	ReplaceExisting     types.Bool     `tfsdk:"replace_existing"`
	RevokeOnClose       types.Bool     `tfsdk:"revoke_on_close"`
	TemporaryAccessPass types.String   `tfsdk:"temporary_access_pass"`
	Timeouts            timeouts.Value `tfsdk:"timeouts"`
}

// passPrivate is what Close needs: Close gets no configuration.
type passPrivate struct {
	UserID string `json:"user_id"`
	PassID string `json:"pass_id"`
	Revoke bool   `json:"revoke"`
	Owner  string `json:"owner"` // the claim on the user (run_state.go), released at close
}

func (e *PassEphemeralResource) Metadata(_ context.Context, req ephemeral.MetadataRequest, resp *ephemeral.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_pass"
}

func (e *PassEphemeralResource) Schema(ctx context.Context, _ ephemeral.SchemaRequest, resp *ephemeral.SchemaResponse) {
	resp.Schema = schema.Schema{
		MarkdownDescription: "Issues a Microsoft Entra ID **Temporary Access Pass** for use during a Terraform run: the code is handed to other " +
			"configuration but never written to the state or the plan.\n\n" +
			"**Each run issues a pass, and usually two.** Terraform opens ephemeral resources during `plan` and again during `apply` " +
			"(and during `destroy`, refresh and every other command that needs them), and each opening creates a new pass. " +
			"With `revoke_on_close = true` (the default), each pass is deleted when Terraform closes the resource at the end of that command, " +
			"so a run-scoped pass does not outlive the run. If Close never runs (Terraform or the provider killed), the pass expires on its own: " +
			"with `revoke_on_close = true` and no `lifetime_in_minutes`, a pass lives only the policy's minimum lifetime (60 minutes by default), not its default. Since a user holds at most one pass, a new opening also replaces any pass the user had " +
			"(see `replace_existing`).\n\n" +
			"Patterns:\n\n" +
			"* **Use the code during the run**: configure another provider with it, or pass it to a provisioner (`local-exec` `environment`), " +
			"e.g. to sign in and register a passwordless method during the run. Keep `revoke_on_close = true`.\n" +
			"* **Hand the code to a person or a system**: store it through a write-only argument of another resource, e.g. a key vault secret's " +
			"`value_wo` (with a `value_wo_version` you bump to issue a new pass), and set `revoke_on_close = false` so that the pass stays for the user. " +
			"Because plan and apply each open the resource, the apply then finds the pass that its own plan left: set `replace_existing = true` too. " +
			"Each command that opens the resource then issues a new pass, which replaces the one stored before, so the stored code stays valid only " +
			"until the next plan or apply: keep this pattern in a root module that you apply only to issue a pass.\n\n" +
			"The checks the managed `entratap_pass` makes at plan time (lifetime within the policy's range, one-time policy, start not in the past) " +
			"run when the resource is opened, before a pass is issued, against the policy as this run leaves it (an `entratap_policy` it depends on counts). " +
			"In a tenant where Microsoft Graph refuses passes for users the policy does not target, note that the resource is opened during plan too, " +
			"before this run changes the policy: the plan of the run that first enables the policy for the user then fails, naming the policy; " +
			"during apply, after the policy is written, a refusal while the change replicates is retried within `timeouts.open`. " +
			"(OpenTofu does not open an ephemeral resource during plan while a resource it depends on has changes pending: " +
			"with `depends_on = [entratap_policy.<name>]`, that run opens the pass at apply only, after the policy is written.)\n\n" +
			"Needs Terraform 1.10 or later, and the Microsoft Graph permissions `UserAuthMethod-TAP.ReadWrite.All` (or `UserAuthenticationMethod.ReadWrite.All`) and `User.Read.All`.",
		Attributes: map[string]schema.Attribute{
			"user_id": schema.StringAttribute{
				Required:            true,
				MarkdownDescription: passDocs["user_id"],
				Validators:          []validator.String{stringvalidator.LengthAtLeast(1), userKeyValidator{}},
			},
			"start_date_time": schema.StringAttribute{
				Optional:            true,
				Computed:            true,
				MarkdownDescription: passDocs["start_date_time"],
				Validators:          []validator.String{rfc3339Validator{}},
			},
			"lifetime_in_minutes": schema.Int64Attribute{
				CustomType: wholeMinutesType{},
				Optional:   true,
				Computed:   true,
				MarkdownDescription: passDocs["lifetime_in_minutes"] +
					" With `revoke_on_close = true` (the default) it defaults to the policy's **minimum** lifetime instead, which bounds the pass's life when Close never runs.",
				Validators: []validator.Int64{int64validator.Between(minLifetime, maxLifetime)},
			},
			"is_usable_once": schema.BoolAttribute{
				Optional:            true,
				Computed:            true,
				MarkdownDescription: passDocs["is_usable_once"],
			},
			"replace_existing": schema.BoolAttribute{
				Optional: true,
				Computed: true,
				MarkdownDescription: passDocs["replace_existing"] +
					" With `revoke_on_close = false`, set it to `true`: the pass this run's plan issued is still there when the apply opens the resource again.",
			},
			"revoke_on_close": schema.BoolAttribute{
				Optional: true,
				Computed: true,
				MarkdownDescription: "Delete the pass when Terraform closes the ephemeral resource, at the end of each command (a pass already gone counts as deleted). " +
					"Defaults to `true`. Set `false` to leave the pass to the user, e.g. when the code was stored for them through a write-only argument.",
			},
			"id": ephemeralString(passDocs["id"]),
			"temporary_access_pass": schema.StringAttribute{
				Computed:            true,
				Sensitive:           true,
				MarkdownDescription: passDocs["temporary_access_pass"] + " Ephemeral: never stored in state or plan.",
			},
			"user_object_id":          ephemeralString(passDocs["user_object_id"]),
			"created_date_time":       ephemeralString(passDocs["created_date_time"]),
			"expiration_date_time":    ephemeralString(passDocs["expiration_date_time"]),
			"is_usable":               ephemeralBool(passDocs["is_usable"]),
			"method_usability_reason": ephemeralString(passDocs["method_usability_reason"]),
			"timeouts":                ephemeralTimeouts(timeouts.Attributes(ctx)),
		},
	}
}

func (e *PassEphemeralResource) Configure(_ context.Context, req ephemeral.ConfigureRequest, resp *ephemeral.ConfigureResponse) {
	e.client = clientFrom(req.ProviderData, &resp.Diagnostics)
	e.run = runFrom(req.ProviderData)
}

func (e *PassEphemeralResource) Open(ctx context.Context, req ephemeral.OpenRequest, resp *ephemeral.OpenResponse) {
	var m passEphemeralModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &m)...)
	if resp.Diagnostics.HasError() {
		return
	}
	if !clientReady(e.client, &resp.Diagnostics) {
		return
	}
	ctx, cancel := withTimeout(ctx, m.Timeouts.Open, defaultCreateTimeout, &resp.Diagnostics)
	defer cancel()

	in := passInputs{UserID: m.UserID, StartDateTime: m.StartDateTime, LifetimeInMinutes: m.LifetimeInMinutes,
		IsUsableOnce: m.IsUsableOnce, ReplaceExisting: m.ReplaceExisting}
	// No plan for an ephemeral resource: the same checks run here, before
	// anything is created. A user Graph does not know yet is waited for.
	user, diags := checkNewPass(ctx, e.client, e.run, in, false)
	resp.Diagnostics.Append(diags...)
	owner := fmt.Sprintf("an ephemeral entratap_pass with user_id %q", m.UserID.ValueString())
	if user != nil && !resp.Diagnostics.HasError() {
		resp.Diagnostics.Append(claimDiag(e.run, user, owner, path.Root("user_id"))...)
	}
	if resp.Diagnostics.HasError() {
		return
	}
	revoke := m.RevokeOnClose.IsNull() || m.RevokeOnClose.ValueBool()
	in.RevokeOnClose = types.BoolValue(revoke)
	if revoke && in.LifetimeInMinutes.IsNull() {
		// Close may never run (Terraform or the provider killed): the
		// shortest lifetime the policy (as this run leaves it) allows bounds how long the pass lives then.
		if live, err := e.client.GetPolicyCached(ctx); err == nil {
			in.LifetimeInMinutes = types.Int64Value(int64(e.run.effective(live).MinimumLifetimeInMinutes))
		}
	}
	claimed := user
	user, p, diags := issuePass(ctx, e.client, e.run, in, user, passOwnerEphemeral)
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() {
		if claimed != nil {
			e.run.releaseUser(claimed.ID, owner)
		}
		return
	}
	priv, err := json.Marshal(passPrivate{UserID: user.ID, PassID: p.ID, Revoke: m.RevokeOnClose.IsNull() || m.RevokeOnClose.ValueBool(), Owner: owner})
	if err != nil {
		resp.Diagnostics.AddError("Internal error", "Encoding the private data of the pass: "+err.Error())
		return
	}
	// Before anything else can fail, so that Close revokes the pass.
	resp.Diagnostics.Append(resp.Private.SetKey(ctx, passPrivateKey, priv)...)

	m.TemporaryAccessPass = types.StringValue(p.Code)
	if m.ReplaceExisting.IsNull() {
		m.ReplaceExisting = types.BoolValue(false)
	}
	if m.RevokeOnClose.IsNull() {
		m.RevokeOnClose = types.BoolValue(true)
	}
	// The create answer carries the usability too: no read-back that replication could delay.
	m.setFrom(user.ID, p)
	resp.Diagnostics.Append(resp.Result.Set(ctx, &m)...)
}

func (e *PassEphemeralResource) Close(ctx context.Context, req ephemeral.CloseRequest, resp *ephemeral.CloseResponse) {
	raw, diags := req.Private.GetKey(ctx, passPrivateKey)
	resp.Diagnostics.Append(diags...)
	if resp.Diagnostics.HasError() || raw == nil {
		return // Open failed before issuing anything
	}
	var priv passPrivate
	if err := json.Unmarshal(raw, &priv); err != nil {
		resp.Diagnostics.AddError("Internal error", "Decoding the private data of the pass: "+err.Error())
		return
	}
	e.run.releaseUser(priv.UserID, priv.Owner) // closed: the object no longer plans a pass
	if !priv.Revoke {
		return
	}
	if e.client == nil {
		// clientReady's bug, said with what it leaves behind: a pass that stays usable.
		resp.Diagnostics.AddError("Provider not configured", fmt.Sprintf("Cannot revoke Temporary Access Pass %s of user %s: the provider has no client.", priv.PassID, priv.UserID))
		return
	}
	// Close gets no configuration, so no timeouts value: the default bounds the revoke.
	ctx, cancel := context.WithTimeout(ctx, defaultDeleteTimeout)
	defer cancel()
	if err := e.client.DeletePass(ctx, priv.UserID, priv.PassID); err != nil {
		resp.Diagnostics.Append(graphDiag(fmt.Sprintf("Revoking Temporary Access Pass %s of user %s failed: it stays usable until it expires", priv.PassID, priv.UserID), err))
	}
}

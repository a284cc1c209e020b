package graph

// A managed identity behind an App Service style endpoint (msi_endpoint), without writing the
// process environment: azidentity reads IDENTITY_ENDPOINT only from there, and with it unset
// asks the VM metadata service. appServiceEndpoint is the transport of that credential alone:
// it sends each of its token requests to msi_endpoint, in the App Service protocol
// (learn.microsoft.com/azure/app-service/overview-managed-identity, "REST endpoint
// reference": GET {IDENTITY_ENDPOINT}?resource=...&api-version=2019-08-01 with the
// X-IDENTITY-HEADER header; the answer carries access_token and expires_on).

import (
	"net/http"
	"net/url"
)

type appServiceEndpoint struct {
	endpoint, header string
	next             *http.Client
}

// Do sends a token request of the managed identity credential (the VM metadata service's
// form, or the App Service one when the environment names an endpoint) to msi_endpoint.
func (t appServiceEndpoint) Do(req *http.Request) (*http.Response, error) {
	u, err := url.Parse(t.endpoint)
	if err != nil {
		return nil, err
	}
	in, q := req.URL.Query(), u.Query()
	q.Set("api-version", "2019-08-01")
	q.Set("resource", in.Get("resource"))
	// A user-assigned identity, named as the metadata service or App Service names it.
	for from, to := range map[string]string{"client_id": "client_id", "object_id": "principal_id", "msi_res_id": "mi_res_id", "principal_id": "principal_id", "mi_res_id": "mi_res_id"} {
		if v := in.Get(from); v != "" {
			q.Set(to, v)
		}
	}
	u.RawQuery = q.Encode()
	out, err := http.NewRequestWithContext(req.Context(), http.MethodGet, u.String(), nil)
	if err != nil {
		return nil, err
	}
	out.Header.Set("X-IDENTITY-HEADER", t.header)
	return t.next.Do(out)
}

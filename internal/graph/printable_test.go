package graph

import "testing"

func TestPrintable(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]string{
		"alice@contoso.example":         "alice@contoso.example",
		"Zoë Ærø 山田":                    "Zoë Ærø 山田",
		"evil\u202Etxt.exe@contoso":     `evil\u202Etxt.exe@contoso`,
		"rtl\u200Fmark\u2066iso\u2069":  `rtl\u200Fmark\u2066iso\u2069`,
		"line\nforged\r\x1b[31mred\x7f": `line\u000Aforged\u000D\u001B[31mred\u007F`,
		"c1\u0085\u009bzero\u200Bwidth": `c1\u0085\u009Bzero\u200Bwidth`,
		"sep\u2028para\u2029bom\uFEFF":  `sep\u2028para\u2029bom\uFEFF`,
		"bad\xffutf8":                   `bad\uFFFDutf8`,
	} {
		if got := Printable(in); got != want {
			t.Errorf("Printable(%q) = %q, want %q", in, got, want)
		}
	}
	if got := (User{ID: "id-1"}).Label(); got != "id-1" {
		t.Errorf("Label without a UPN = %q", got)
	}
	if got := (User{ID: "id-1", UserPrincipalName: "x\u202Ey@c"}).Label(); got != `x\u202Ey@c` {
		t.Errorf("Label = %q", got)
	}
}

package graph

import (
	"fmt"
	"strings"
	"unicode"
)

// Printable makes a name read from Graph (a user principal name, a display name) safe to
// print in a message or a terminal line: control characters (C0, DEL, C1: a newline could
// forge a line of output) and invisible formatting ones (bidi overrides and isolates such as
// U+202E, which reverses the rest of the line; marks such as U+200F; zero-width characters;
// line and paragraph separators) are written as \u escapes. Everything else is kept as is.
func Printable(s string) string {
	if strings.IndexFunc(s, hidden) < 0 {
		return s
	}
	var b strings.Builder
	for _, r := range s {
		if hidden(r) {
			fmt.Fprintf(&b, `\u%04X`, r)
			continue
		}
		b.WriteRune(r)
	}
	return b.String()
}

// hidden: a rune that changes how the text around it shows instead of showing itself.
func hidden(r rune) bool {
	return r == unicode.ReplacementChar || unicode.IsControl(r) || unicode.In(r, unicode.Cf, unicode.Zl, unicode.Zp)
}

// Label is how messages name the user: the user principal name made printable, or the
// object id when there is none.
func (u User) Label() string {
	if u.UserPrincipalName != "" {
		return Printable(u.UserPrincipalName)
	}
	return u.ID
}

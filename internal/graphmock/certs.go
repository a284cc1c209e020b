package graphmock

// Keys and certificates generated at start: the token-signing keys, the admin app's
// certificate (PEM and PKCS#12), and the TLS CA (or one shared, see CA) and server certificate.

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/base64"
	"encoding/pem"
	"fmt"
	"math/big"
	"net"
	"path/filepath"
	"sync"
	"time"

	"github.com/golang-jwt/jwt/v5"
	pkcs12 "software.sslmate.com/src/go-pkcs12"
)

// signer signs JWTs with an RSA key published as a JWKS.
type signer struct {
	key *rsa.PrivateKey
	kid string
}

func newSigner() (*signer, error) {
	key, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		return nil, err
	}
	der, err := x509.MarshalPKIXPublicKey(&key.PublicKey)
	if err != nil {
		return nil, err
	}
	sum := sha256.Sum256(der)
	return &signer{key: key, kid: base64.RawURLEncoding.EncodeToString(sum[:16])}, nil
}

func (s *signer) sign(claims jwt.MapClaims) (string, error) {
	tok := jwt.NewWithClaims(jwt.SigningMethodRS256, claims)
	tok.Header["kid"] = s.kid
	return tok.SignedString(s.key)
}

// parse verifies a token's RS256 signature with this key; expiry is checked by the jwt
// library against wall time.
func (s *signer) parse(token string) (jwt.MapClaims, error) {
	claims := jwt.MapClaims{}
	_, err := jwt.ParseWithClaims(token, claims, func(*jwt.Token) (any, error) { return &s.key.PublicKey, nil },
		jwt.WithValidMethods([]string{"RS256"}), jwt.WithExpirationRequired(), jwt.WithLeeway(time.Second))
	return claims, err
}

func (s *signer) jwks() map[string]any {
	pub := s.key.PublicKey
	return map[string]any{"keys": []map[string]any{{
		"kty": "RSA", "use": "sig", "alg": "RS256", "kid": s.kid,
		"n": base64.RawURLEncoding.EncodeToString(pub.N.Bytes()),
		"e": base64.RawURLEncoding.EncodeToString(big.NewInt(int64(pub.E)).Bytes()),
	}}}
}

// clientCertificate is the admin app's generated certificate.
type clientCertificate struct {
	cert    *x509.Certificate
	key     *rsa.PrivateKey
	certPEM []byte
	keyPEM  []byte
	pfx     []byte
}

func newClientCertificate() (*clientCertificate, error) {
	key, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		return nil, err
	}
	tmpl := &x509.Certificate{
		SerialNumber:          randomSerial(),
		Subject:               pkix.Name{CommonName: "graphmock admin app"},
		NotBefore:             time.Now().Add(-time.Hour),
		NotAfter:              time.Now().Add(365 * 24 * time.Hour),
		KeyUsage:              x509.KeyUsageDigitalSignature,
		ExtKeyUsage:           []x509.ExtKeyUsage{x509.ExtKeyUsageClientAuth},
		BasicConstraintsValid: true,
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		return nil, err
	}
	cert, err := x509.ParseCertificate(der)
	if err != nil {
		return nil, err
	}
	keyDER, err := x509.MarshalPKCS8PrivateKey(key)
	if err != nil {
		return nil, err
	}
	// LegacyDES (3DES, SHA-1 MAC) because azidentity.ParseCertificates reads PKCS#12 with
	// golang.org/x/crypto/pkcs12, which knows no modern (AES/PBES2) encryption.
	pfx, err := pkcs12.LegacyDES.Encode(key, cert, nil, CertificatePassword)
	if err != nil {
		return nil, err
	}
	return &clientCertificate{
		cert:    cert,
		key:     key,
		certPEM: pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}),
		keyPEM:  pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: keyDER}),
		pfx:     pfx,
	}, nil
}

// parseCertificatesPEM reads every CERTIFICATE block of a PEM text.
func parseCertificatesPEM(text string) ([]*x509.Certificate, error) {
	var out []*x509.Certificate
	rest := []byte(text)
	for {
		var b *pem.Block
		b, rest = pem.Decode(rest)
		if b == nil {
			break
		}
		if b.Type != "CERTIFICATE" {
			continue
		}
		c, err := x509.ParseCertificate(b.Bytes)
		if err != nil {
			return nil, err
		}
		out = append(out, c)
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("no PEM certificate found")
	}
	return out, nil
}

// CA is a certificate authority that signs mock servers' certificates. One CA shared by
// every mock a process starts lets one SSL_CERT_FILE (which Go reads once) trust them all.
// Its mocks also share one set of RSA keys (token signing, OIDC issuer, admin certificate):
// each key costs a fraction of a second of CPU, and a test process starts dozens of mocks.
type CA struct {
	File string // PEM file of the CA certificate
	PEM  []byte
	cert *x509.Certificate
	key  crypto.Signer

	keysOnce  sync.Once
	tokens    *signer
	oidc      *signer
	adminCert *clientCertificate
	keysErr   error
}

// keys are the CA's shared keys, made on first use; a nil CA makes new ones each call.
func (ca *CA) keys() (tokens, oidc *signer, adminCert *clientCertificate, err error) {
	if ca == nil {
		return newKeys()
	}
	ca.keysOnce.Do(func() { ca.tokens, ca.oidc, ca.adminCert, ca.keysErr = newKeys() })
	return ca.tokens, ca.oidc, ca.adminCert, ca.keysErr
}

func newKeys() (tokens, oidc *signer, adminCert *clientCertificate, err error) {
	if tokens, err = newSigner(); err != nil {
		return nil, nil, nil, fmt.Errorf("graphmock: token key: %w", err)
	}
	if oidc, err = newSigner(); err != nil {
		return nil, nil, nil, fmt.Errorf("graphmock: OIDC key: %w", err)
	}
	if adminCert, err = newClientCertificate(); err != nil {
		return nil, nil, nil, fmt.Errorf("graphmock: admin certificate: %w", err)
	}
	return tokens, oidc, adminCert, nil
}

// NewCA makes a CA and writes its certificate to dir/ca.pem.
func NewCA(dir string) (*CA, error) {
	ca, err := newCA()
	if err != nil {
		return nil, fmt.Errorf("graphmock: CA: %w", err)
	}
	ca.File = filepath.Join(dir, "ca.pem")
	if err := writeFileAtomic(ca.File, ca.PEM, 0o644); err != nil {
		return nil, fmt.Errorf("graphmock: write CA file: %w", err)
	}
	return ca, nil
}

func newCA() (*CA, error) {
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return nil, err
	}
	now := time.Now()
	tmpl := &x509.Certificate{
		SerialNumber:          randomSerial(),
		Subject:               pkix.Name{CommonName: "graphmock CA", Organization: []string{"graphmock"}},
		NotBefore:             now.Add(-time.Hour),
		NotAfter:              now.Add(30 * 24 * time.Hour),
		KeyUsage:              x509.KeyUsageCertSign | x509.KeyUsageCRLSign,
		BasicConstraintsValid: true,
		IsCA:                  true,
		MaxPathLenZero:        true,
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		return nil, err
	}
	cert, err := x509.ParseCertificate(der)
	if err != nil {
		return nil, err
	}
	return &CA{PEM: pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}), cert: cert, key: key}, nil
}

// serverCertificate signs a certificate for 127.0.0.1, ::1 and localhost (plus the
// listening host when it is another address).
func (ca *CA) serverCertificate(extraHost string) (tls.Certificate, error) {
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return tls.Certificate{}, err
	}
	now := time.Now()
	tmpl := &x509.Certificate{
		SerialNumber: randomSerial(),
		Subject:      pkix.Name{CommonName: "graphmock"},
		NotBefore:    now.Add(-time.Hour),
		NotAfter:     now.Add(30 * 24 * time.Hour),
		KeyUsage:     x509.KeyUsageDigitalSignature,
		ExtKeyUsage:  []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
		DNSNames:     []string{"localhost"},
		IPAddresses:  []net.IP{net.IPv4(127, 0, 0, 1), net.IPv6loopback},
	}
	if ip := net.ParseIP(extraHost); ip != nil && !ip.IsUnspecified() {
		tmpl.IPAddresses = append(tmpl.IPAddresses, ip)
	} else if extraHost != "" && ip == nil && extraHost != "localhost" {
		tmpl.DNSNames = append(tmpl.DNSNames, extraHost)
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, ca.cert, &key.PublicKey, ca.key)
	if err != nil {
		return tls.Certificate{}, err
	}
	return tls.Certificate{Certificate: [][]byte{der, ca.cert.Raw}, PrivateKey: crypto.Signer(key)}, nil
}

func randomSerial() *big.Int {
	n, err := rand.Int(rand.Reader, new(big.Int).Lsh(big.NewInt(1), 62))
	if err != nil {
		return big.NewInt(time.Now().UnixNano())
	}
	return n
}

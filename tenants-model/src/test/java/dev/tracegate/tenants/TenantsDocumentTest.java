package dev.tracegate.tenants;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import java.util.Optional;

import org.junit.jupiter.api.Test;

/** How a tenants document is read and refused: every problem names its field. */
class TenantsDocumentTest {

    private static final String VALID = """
            tenants:
              mode: static
              authentication:
                - tenantName: test-oidc
                  tenantId: test-oidc
                  oidc:
                    issuerURL: http://dex:30556/dex
                    redirectURL: http://tempo-foo-gateway:8080/oidc/test-oidc/callback
                    usernameClaim: email
                    groupClaim: groups
                    clientID: grafana
                    clientSecret: ${CLIENT_SECRET}
                    audiences: [account]
              authorization:
                roles:
                  - {name: read-write, resources: [traces], tenants: [test-oidc], permissions: [read, write]}
                roleBindings:
                  - {name: team, roles: [read-write], subjects: [{kind: group, name: tracing-team}]}
            """;

    private final TenantsParser parser = new TenantsParser(
            name -> Optional.ofNullable(Map.of("CLIENT_SECRET", "s3cret").get(name)));

    /** VALID with one more list item (already indented under authentication) before authorization. */
    private static String withSecondTenant(String entry) {
        return VALID.replace("  authorization:", entry + "  authorization:");
    }

    private TenantsDocument read(String yaml) throws InvalidTenantsException {
        TenantsDocument document = parser.parse(yaml);
        TenantsValidator.validate(document);
        return document;
    }

    private InvalidTenantsException refused(String yaml) {
        return assertThrows(InvalidTenantsException.class, () -> read(yaml));
    }

    @Test
    void readsTheTempoStackShapeWithResolvedCredentials() throws Exception {
        TenantsDocument document = read(VALID);
        var tenant = document.tenants().authentication().get(0);
        assertEquals("test-oidc", tenant.tenantName());
        assertEquals("http://dex:30556/dex", tenant.oidc().issuerURL());
        assertEquals("grafana", tenant.oidc().clientID());
        assertEquals("s3cret", tenant.oidc().clientSecret(), "placeholders are resolved from configuration");
        assertEquals("tracing-team", document.tenants().authorization().roleBindings().get(0).subjects().get(0).name());
    }

    @Test
    void readsJsonToo() throws Exception {
        String json = """
                {"tenants": {"mode": "static",
                  "authentication": [{"tenantName": "a", "tenantId": "a",
                    "oidc": {"issuerURL": "https://issuer.example/realms/a", "clientID": "c"}}],
                  "authorization": {"roles": [], "roleBindings": []}},
                 "upstream": {"queryFrontend": "http://tempo:3200"}}
                """;
        assertEquals("a", read(json).tenants().authentication().get(0).tenantName());
    }

    @Test
    void namesTheBadIssuerUrl() {
        var e = refused(VALID.replace("http://dex:30556/dex", "dex:30556"));
        assertEquals("tenants.authentication[0].oidc.issuerURL: must be an http(s) URL", e.problems().get(0));
    }

    @Test
    void refusesTempoUrlsThatAreNotHttpOrCarryAUser() {
        var e = refused(VALID + """
                upstream:
                  queryFrontend: tempo:3200
                  distributor: http://admin:hunter2@tempo-distributor:4318
                """);
        assertEquals(java.util.List.of("upstream.queryFrontend: must be an http(s) URL",
                "upstream.distributor: must not carry a user or password"), e.problems());
        assertTrue(!e.getMessage().contains("hunter2"), e.getMessage());
    }

    @Test
    void namesTheMissingFieldOfTheSecondTenant() {
        String twoTenants = withSecondTenant("""
                    - tenantName: other
                      tenantId: other
                      oidc:
                        clientID: other
                """);
        var e = refused(twoTenants);
        assertEquals("tenants.authentication[1].oidc.issuerURL: required", e.problems().get(0));
    }

    @Test
    void refusesUnknownFieldsInsideTenants() {
        var e = refused(VALID.replace("groupClaim: groups", "groupclaim: groups"));
        assertEquals("tenants.authentication[0].oidc.groupclaim: unknown field", e.getMessage());
    }

    @Test
    void saysWhichPlaceholderIsNotSet() {
        var e = refused(VALID.replace("${CLIENT_SECRET}", "${MISSING_SECRET}"));
        assertEquals("tenants.authentication[0].oidc.clientSecret: ${MISSING_SECRET} is not set", e.getMessage());
    }

    @Test
    void placeholderDefaultsApply() throws Exception {
        var document = read(VALID.replace("${CLIENT_SECRET}", "${MISSING_SECRET:fallback}"));
        assertEquals("fallback", document.tenants().authentication().get(0).oidc().clientSecret());
    }

    @Test
    void secretValuesNeverAppearInMessages() {
        var e = refused(VALID.replace("issuerURL: http://dex:30556/dex", "issuerURL: nope"));
        assertTrue(!e.getMessage().contains("s3cret"), e.getMessage());
    }

    @Test
    void namesRbacMistakes() {
        var e = refused(VALID
                .replace("tenants: [test-oidc]", "tenants: [test-oidcc]")
                .replace("permissions: [read, write]", "permissions: [read, admin]")
                .replace("roles: [read-write]", "roles: [read-only]")
                .replace("kind: group", "kind: team"));
        assertEquals(java.util.List.of(
                "tenants.authorization.roles[0].tenants[0]: no tenant named 'test-oidcc'",
                "tenants.authorization.roles[0].permissions[1]: must be read or write",
                "tenants.authorization.roleBindings[0].roles[0]: no role named 'read-only'",
                "tenants.authorization.roleBindings[0].subjects[0].kind: must be user or group"), e.problems());
    }

    @Test
    void refusesDuplicateTenantNamesAndWrongCallbackPath() {
        String duplicate = withSecondTenant("""
                    - tenantName: test-oidc
                      tenantId: other
                      oidc: {issuerURL: "http://dex/dex", clientID: x}
                """).replace("/oidc/test-oidc/callback", "/callback");
        var e = refused(duplicate);
        assertEquals(java.util.List.of(
                "tenants.authentication[0].oidc.redirectURL: its path must be /oidc/test-oidc/callback",
                "tenants.authentication[1].tenantName: 'test-oidc' is used by another tenant"), e.problems());
    }

    /**
     * The tenant id is what Tempo keeps the traces under (X-Scope-OrgID): a copied tenant that kept it would read
     * and write the other's traces under its own issuer and roles. The Tempo Operator documents it as unique.
     */
    @Test
    void refusesTwoTenantsWithOneTenantId() {
        var e = refused(withSecondTenant("""
                    - tenantName: team-b
                      tenantId: test-oidc
                      oidc: {issuerURL: "http://dex/dex", clientID: x}
                """));
        assertEquals(java.util.List.of(
                "tenants.authentication[1].tenantId: 'test-oidc' is the id of another tenant"), e.problems());
    }

    /** A key given twice is a mistake whichever value was meant: YAML and JSON alike are refused, naming the key. */
    @Test
    void refusesAKeyGivenTwice() {
        var yaml = refused(VALID.replace("      tenantId: test-oidc\n",
                "      tenantId: test-oidc\n      tenantId: other\n"));
        assertEquals(java.util.List.of("tenants.authentication[0].tenantId: given twice"), yaml.problems());
        var json = assertThrows(InvalidTenantsException.class, () -> parser.parse(
                "{\"tenants\": {\"mode\": \"static\", \"mode\": \"static\"}}"));
        assertEquals(java.util.List.of("tenants.mode: given twice"), json.problems());
    }

    /**
     * quarkus-oidc refuses a tenant of its own default id, {@code Default}, for every request; and it names a large
     * session cookie's pieces {@code q_session_<tenant>_chunk_<n>}, reading every cookie that starts so as one: the
     * session of tenant {@code test-oidc_chunk_1} would be taken for a piece of {@code test-oidc}'s.
     */
    @Test
    void refusesTheTenantNamesQuarkusOidcCannotServe() {
        var e = refused(withSecondTenant("""
                    - tenantName: Default
                      tenantId: a
                      oidc: {issuerURL: "http://dex/dex", clientID: x}
                    - tenantName: test-oidc_chunk_1
                      tenantId: b
                      oidc: {issuerURL: "http://dex/dex", clientID: x}
                """));
        assertEquals(java.util.List.of(
                "tenants.authentication[1].tenantName: 'Default' is taken by quarkus-oidc's own default tenant;"
                        + " choose another name",
                "tenants.authentication[2].tenantName: must not contain '_chunk_': quarkus-oidc would take its"
                        + " session cookie for a piece of another tenant's"), e.problems());
    }

    @Test
    void readsTheScopesOfTheBrowserSignIn() throws Exception {
        assertEquals(null, read(VALID).tenants().authentication().get(0).oidc().scopes(), "absent: the gateway's default");
        var document = read(VALID.replace("audiences: [account]", "audiences: [account]\n        scopes: [profile, email, groups]"));
        assertEquals(java.util.List.of("profile", "email", "groups"), document.tenants().authentication().get(0).oidc().scopes());
    }

    @Test
    void refusesAnEmptyScopeAndTwoScopesInOneEntry() {
        var e = refused(VALID.replace("audiences: [account]", "audiences: [account]\n        scopes: [profile, '', 'email groups', \" \"]"));
        assertEquals(java.util.List.of(
                "tenants.authentication[0].oidc.scopes[1]: must not be empty",
                "tenants.authentication[0].oidc.scopes[2]: must be one scope of printable ASCII characters other than space, \" and \\"
                        + " (list each scope as an entry of its own)",
                "tenants.authentication[0].oidc.scopes[3]: must not be empty"), e.problems());
    }

    @Test
    void readsScopesMadeOfRfc6749sCharacters() throws Exception {
        var document = read(VALID.replace("audiences: [account]",
                "audiences: [account]\n        scopes: [openid, groups, 'api://tempo/read', offline_access]"));
        assertEquals(java.util.List.of("openid", "groups", "api://tempo/read", "offline_access"),
                document.tenants().authentication().get(0).oidc().scopes());
    }

    @Test
    void refusesAScopeWithAQuoteABackslashOrAnythingButAscii() {
        var e = refused(VALID.replace("audiences: [account]",
                "audiences: [account]\n        scopes: ['a\"b', 'a\\b', 'profil\u00e9', 'openid\u3000profile']"));
        String problem = ": must be one scope of printable ASCII characters other than space, \" and \\"
                + " (list each scope as an entry of its own)";
        assertEquals(java.util.List.of(
                "tenants.authentication[0].oidc.scopes[0]" + problem,
                "tenants.authentication[0].oidc.scopes[1]" + problem,
                "tenants.authentication[0].oidc.scopes[2]" + problem,
                "tenants.authentication[0].oidc.scopes[3]" + problem), e.problems());
    }

    /** RFC 6749 3.3: scope-token = 1*( %x21 / %x23-5B / %x5D-7E ). The CRD states the same pattern. */
    @Test
    void theScopePatternIsRfc6749sScopeToken() {
        var scope = java.util.regex.Pattern.compile(TenantsValidator.SCOPE_PATTERN);
        for (int c = 0; c <= Character.MAX_CODE_POINT; c++) {
            boolean scopeChar = c == 0x21 || (c >= 0x23 && c <= 0x5B) || (c >= 0x5D && c <= 0x7E);
            String at = "U+" + Integer.toHexString(c);
            assertEquals(scopeChar, scope.matcher(Character.toString(c)).matches(), at);
            assertEquals(scopeChar, scope.matcher("read" + Character.toString(c) + "write").matches(), at + " inside a scope");
        }
        assertEquals(false, scope.matcher("").matches());
        // Plain ASCII, so that Java, ECMA-262 and the API server's Go regexp read the same pattern.
        assertTrue(TenantsValidator.SCOPE_PATTERN.chars().allMatch(c -> c >= 0x21 && c <= 0x7E), TenantsValidator.SCOPE_PATTERN);
    }

    @Test
    void refusesABlankAudience() {
        var e = refused(VALID.replace("audiences: [account]", "audiences: [account, '', \" \\t\"]"));
        assertEquals(java.util.List.of(
                "tenants.authentication[0].oidc.audiences[1]: must not be empty",
                "tenants.authentication[0].oidc.audiences[2]: must not be empty"), e.problems());
    }

    @Test
    void tellsThatTheGatewayDoesNotReadKubernetesSecrets() {
        var e = refused(VALID.replace("clientID: grafana", "secret: {name: oidc-test}"));
        assertEquals("tenants.authentication[0].oidc.clientID: required "
                + "(oidc.secret is resolved by the provisioner, not by the gateway)", e.getMessage());
    }

    @Test
    void notYamlAtAll() {
        var e = assertThrows(InvalidTenantsException.class, () -> parser.parse("tenants: [unclosed"));
        assertTrue(e.getMessage().startsWith("not a YAML or JSON document"), e.getMessage());
    }

    /** The parser's own messages quote the offending line: the one a mistyped secret is on, among others. */
    @Test
    void aDocumentThatDoesNotParseIsNamedWithoutItsText() {
        for (String broken : new String[] {
                VALID.replace("clientSecret: ${CLIENT_SECRET}", "clientSecret: \"t0p-s3cr3t"),
                VALID.replace("clientSecret: ${CLIENT_SECRET}", "clientSecret: abc: t0p-s3cr3t"),
                VALID.replace("clientSecret: ${CLIENT_SECRET}", "clientSecret: 't0p-s3cr3t' x"),
                VALID.replace("      clientID: grafana", "\t  t0p-s3cr3t: grafana"),
                "{\"tenants\": {\"clientSecret\": \"t0p-s3cr3t\" \"x\"}}" }) {
            var e = assertThrows(InvalidTenantsException.class, () -> parser.parse(broken), broken);
            assertTrue(e.getMessage().startsWith("not a YAML or JSON document: "), e.getMessage());
            assertTrue(e.getMessage().contains("(line "), e.getMessage());
            assertTrue(!e.getMessage().contains("s3cr3t"), e.getMessage());
        }
    }

    /**
     * The provisioner's JSON, as Jackson writes it, leaves DEL, the C1 controls and U+FFFE unescaped: a YAML parser
     * refuses them, so a Secret's value holding one would have had every gateway refuse the document.
     */
    @Test
    void jsonIsReadAsJsonWithWhateverASecretHolds() throws Exception {
        String secret = "a\u007fb\u0085c\u009fd\ufffee";
        var tree = (com.fasterxml.jackson.databind.node.ObjectNode) new com.fasterxml.jackson.dataformat.yaml.YAMLMapper()
                .readTree(VALID.replace("${CLIENT_SECRET}", "placeholder"));
        ((com.fasterxml.jackson.databind.node.ObjectNode) tree.at("/tenants/authentication/0/oidc"))
                .put("clientSecret", secret);
        String json = new com.fasterxml.jackson.databind.ObjectMapper().writeValueAsString(tree);
        assertTrue(json.contains("\u007f"), "written unescaped, as the provisioner writes it");

        TenantsDocument document = new TenantsParser(null).parse(json);

        assertEquals(secret, document.tenants().authentication().get(0).oidc().clientSecret());
    }
}

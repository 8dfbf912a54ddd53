package dev.tracegate.provisioner.gatewayconfig;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tracegate.tenants.InvalidTenantsException;
import dev.tracegate.tenants.TenantsDocument;
import dev.tracegate.tenants.TenantsParser;
import dev.tracegate.tenants.rbac.Role;
import dev.tracegate.tenants.rbac.RoleBinding;
import dev.tracegate.tenants.rbac.Subject;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The YAML form of a gateway's document says what its JSON form says: read back by TenantsParser (what a gateway
 * in file mode reads), both give the document they were written from. A tenant id that came back changed would
 * be another X-Scope-OrgID, another tenant's traces in Tempo.
 */
class ConfigRepresentationsTest {

    /** Strings that a YAML reader takes for a number, a boolean or null when they are written without quotes. */
    @ParameterizedTest
    @ValueSource(strings = {"0x1F", "1e5", "0b101", "0o17", "017", "1_000", "1:20", "+12", "-1", "1.0", "-.5", ".inf",
            "-.Inf", ".NaN", "true", "False", "yes", "no", "on", "off", "y", "null", "Null", "~", "2026-12-01", "<<", "="})
    void aStringThatLooksLikeAnotherTypeIsTheSameStringInTheYaml(String value) throws Exception {
        assertBothFormsGiveBack(documentWhereEveryStringIs(value));
    }

    /** What a Secret's value may hold, and what YAML gives a meaning of its own. */
    @ParameterizedTest
    @ValueSource(strings = {" padded ", "#not-a-comment", "a: b", "- item", "'single'", "\"double\"", "back\\slash",
            "two\nlines", "tab\there", "del\u007f", "next-line\u0085", "c1\u0090", "not-a-char\ufffe", "emoji\ud83d\ude00",
            "caf\u00e9", "${NOT_EXPANDED}", "&anchor", "*alias", "!tag", "%directive", "@at", "`tick", "|", ">", "? key", "",
            "a long secret with spaces, longer than the eighty characters of a line at which YAML writers like to fold text"})
    void aSecretOfAnyCharactersIsTheSameInTheYaml(String secret) throws Exception {
        assertBothFormsGiveBack(documentWithSecret(secret));
    }

    private static void assertBothFormsGiveBack(TenantsDocument document) throws InvalidTenantsException {
        String json = new String(ConfigRepresentations.json(document), StandardCharsets.UTF_8);
        String yaml = new String(ConfigRepresentations.yaml(document), StandardCharsets.UTF_8);
        assertEquals(document, parse(json), "JSON: " + json);
        // As JSON, so that a difference shows (the document's toString hides the client secret).
        assertEquals(json, new String(ConfigRepresentations.json(parse(yaml)), StandardCharsets.UTF_8), "YAML: " + yaml);
        assertTrue(yaml.startsWith("tenants:\n"), "YAML keys as people write them: " + yaml);
    }

    @Test
    void aLongValueStaysOnOneLineOfTheYaml() {
        String secret = "a secret with spaces, " + "and more words ".repeat(10) + "than one line of eighty characters holds";
        String yaml = new String(ConfigRepresentations.yaml(documentWithSecret(secret)), StandardCharsets.UTF_8);

        assertTrue(yaml.contains("\n      clientSecret: \"" + secret + "\"\n"), yaml);
    }

    /** As a gateway in file mode reads it, but without ${name} placeholders: the provisioner's values are literal. */
    private static TenantsDocument parse(String text) throws InvalidTenantsException {
        return new TenantsParser(null).parse(text);
    }

    /** One tenant whose name, id, client, audience, scope, role and group are all this string, and its secret too. */
    private static TenantsDocument documentWhereEveryStringIs(String value) {
        return document(value, value);
    }

    /** One tenant named team-a with this client secret. */
    private static TenantsDocument documentWithSecret(String secret) {
        return document("team-a", secret);
    }

    private static TenantsDocument document(String value, String secret) {
        TenantsDocument.Oidc oidc = new TenantsDocument.Oidc("http://dex:30556/dex", "http://gw:8080/oidc/" + value + "/callback",
                value, value, value, secret, value, List.of(value), List.of(value), null);
        TenantsDocument.Authorization authorization = new TenantsDocument.Authorization(
                List.of(new Role(value, List.of("traces"), List.of(value), List.of("read", "write"))),
                List.of(new RoleBinding(value, List.of(value), List.of(new Subject("group", value)))));
        return new TenantsDocument(new TenantsDocument.Tenants("static",
                List.of(new TenantsDocument.Authentication(value, value, oidc)), authorization),
                new TenantsDocument.Upstream("http://tempo-query-frontend:3200", "http://tempo-distributor:4318"));
    }
}

package dev.tracegate.provisioner.crd;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import dev.tracegate.provisioner.gatewayconfig.ConfigResolution;
import dev.tracegate.provisioner.gatewayconfig.GatewayConfigResolver;
import dev.tracegate.provisioner.support.Fixtures;
import dev.tracegate.tenants.InvalidTenantsException;
import dev.tracegate.tenants.TenantsParser;
import dev.tracegate.tenants.TenantsValidator;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The CRD's admission rules and the gateways' validator cannot drift: one table of bad TempoGateways goes to both,
 * and each must be refused by both (the CRD by its OpenAPI schema or a CEL rule, the validator naming the field).
 * Every CEL rule of the CRD must refuse at least one row, so a rule added without its validator twin (or the
 * other way round) fails here. The rules the validator cannot have (on what is not in the tenants document:
 * upstream, expose, secretSync, the TempoGateway's name) are listed as such, and so are the few refusals that only
 * the CRD has to keep the API server's cost estimate of its rules within budget (CelCostBudgetTest): a name listed
 * twice in one role or binding, a role name over 253 characters, a redirect URL over 2,048.
 */
class AdmissionMatchesValidatorTest {
    static final String NS = "observability";
    static CrdAdmission admission;

    /** A bad TempoGateway: what the validator says (null: it takes it) and what admission says. */
    record Row(String name, Consumer<TempoGateway> change, String validatorSays, String admissionSays) {
    }

    static final List<Row> BAD = List.of(
            new Row("tenant name over 63 characters", g -> first(g).tenantName = "t".repeat(64),
                    "tenants.authentication[0].tenantName: must be letters", "tenantName"),
            new Row("tenant name with a space", g -> first(g).tenantName = "team a",
                    "tenants.authentication[0].tenantName: must be letters", "tenantName"),
            new Row("tenant named Default", g -> first(g).tenantName = "Default",
                    "tenants.authentication[0].tenantName: 'Default' is taken", "must not be Default nor contain _chunk_"),
            new Row("tenant name with _chunk_", g -> first(g).tenantName = "a_chunk_1",
                    "tenants.authentication[0].tenantName: must not contain '_chunk_'", "must not be Default nor contain _chunk_"),
            new Row("tenant id with a slash", g -> first(g).tenantId = "a/b",
                    "tenants.authentication[0].tenantId: must be at most 150", "tenantId"),
            new Row("tenant id over 150 characters", g -> first(g).tenantId = "i".repeat(151),
                    "tenants.authentication[0].tenantId: must be at most 150", "tenantId"),
            new Row("two tenants with one name", g -> g.getSpec().tenants.authentication.add(Fixtures.tenant(Fixtures.TENANT, "other")),
                    "tenants.authentication[1].tenantName: 'test-oidc' is used by another tenant", "tenantName: must be unique"),
            new Row("two tenants with one id", g -> {
                var copy = Fixtures.tenant("team-b", "other");
                copy.tenantId = Fixtures.TENANT;
                g.getSpec().tenants.authentication.add(copy);
            },
                    "tenants.authentication[1].tenantId: 'test-oidc' is the id of another tenant", "tenantId: must be unique"),
            new Row("issuer with a bad port", g -> first(g).oidc.issuerURL = "http://dex:30556x/dex",
                    "tenants.authentication[0].oidc.issuerURL: must be an http(s) URL", "issuerURL"),
            new Row("issuer that is not http", g -> first(g).oidc.issuerURL = "ftp://dex/dex",
                    "tenants.authentication[0].oidc.issuerURL: must be an http(s) URL", "issuerURL"),
            new Row("redirect URL with another path", g -> first(g).oidc.redirectURL = "http://gw:8080/callback",
                    "tenants.authentication[0].oidc.redirectURL: its path must be /oidc/test-oidc/callback", "redirectURL: its path"),
            new Row("redirect URL where a dot in the name is any character", g -> {
                first(g).tenantName = "team.a";
                first(g).oidc.redirectURL = "http://gw:8080/oidc/teamXa/callback";
                g.getSpec().tenants.authorization.roles.get(0).tenants = List.of("team.a");
            }, "tenants.authentication[0].oidc.redirectURL: its path must be /oidc/team.a/callback", "redirectURL: its path"),
            new Row("an empty audience", g -> first(g).oidc.audiences = List.of("account", ""),
                    "tenants.authentication[0].oidc.audiences[1]: must not be empty", "audiences/1"),
            new Row("an audience of whitespace only", g -> first(g).oidc.audiences = List.of(" \t", "account"),
                    "tenants.authentication[0].oidc.audiences[0]: must not be empty", "audiences/0"),
            new Row("an empty scope", g -> first(g).oidc.scopes = List.of("profile", ""),
                    "tenants.authentication[0].oidc.scopes[1]: must not be empty", "scopes/1"),
            new Row("two scopes in one entry", g -> first(g).oidc.scopes = List.of("profile email", "groups"),
                    "tenants.authentication[0].oidc.scopes[0]: must be one scope", "scopes/0"),
            // RFC 6749 3.3's scope-token: printable ASCII but space, '"' and '\\'.
            new Row("a scope with a double quote", g -> first(g).oidc.scopes = List.of("openid", "a\"b"),
                    "tenants.authentication[0].oidc.scopes[1]: must be one scope", "scopes/1"),
            new Row("a scope with a backslash", g -> first(g).oidc.scopes = List.of("a\\b"),
                    "tenants.authentication[0].oidc.scopes[0]: must be one scope", "scopes/0"),
            new Row("a scope with a letter outside ASCII", g -> first(g).oidc.scopes = List.of("profil\u00e9"),
                    "tenants.authentication[0].oidc.scopes[0]: must be one scope", "scopes/0"),
            new Row("two scopes joined by an ideographic space (U+3000)", g -> first(g).oidc.scopes = List.of("openid\u3000profile"),
                    "tenants.authentication[0].oidc.scopes[0]: must be one scope", "scopes/0"),
            new Row("no tenants", g -> g.getSpec().tenants.authentication.clear(),
                    "tenants.authentication: at least one tenant is required", "authentication"),
            new Row("no authorization", g -> g.getSpec().tenants.authorization = null,
                    "tenants.authorization: required", "authorization"),
            new Row("a role naming an unknown tenant", g -> g.getSpec().tenants.authorization.roles.get(0).tenants = List.of("nobody"),
                    "tenants.authorization.roles[0].tenants[0]: no tenant named 'nobody'", "roles[].tenants: must name tenants"),
            new Row("two roles with one name", g -> g.getSpec().tenants.authorization.roles = List.of(
                    g.getSpec().tenants.authorization.roles.get(0), g.getSpec().tenants.authorization.roles.get(0)),
                    "tenants.authorization.roles[1].name: 'read-write' is used by another role", "roles[].name: must be unique"),
            new Row("a binding naming an unknown role", g -> g.getSpec().tenants.authorization.roleBindings.get(0).roles = List.of("admin"),
                    "tenants.authorization.roleBindings[0].roles[0]: no role named 'admin'", "roleBindings[].roles: must name roles"),
            new Row("a role naming one tenant twice", g -> g.getSpec().tenants.authorization.roles.get(0).tenants =
                    List.of(Fixtures.TENANT, Fixtures.TENANT), null, "roles[].tenants: must name tenants of authentication, each once"),
            new Row("a binding naming one role twice", g -> g.getSpec().tenants.authorization.roleBindings.get(0).roles =
                    List.of("read-write", "read-write"), null, "roleBindings[].roles: must name roles of roles, each once"),
            new Row("a role name over 253 characters", g -> {
                String name = "r".repeat(Authorization.Role.MAX_NAME_LENGTH + 1);
                g.getSpec().tenants.authorization.roles.get(0).name = name;
                g.getSpec().tenants.authorization.roleBindings.get(0).roles = List.of(name);
            }, null, "/roles/0/name"),
            new Row("a redirect URL over 2,048 characters", g -> first(g).oidc.redirectURL = Fixtures.GATEWAY_URL
                    + "/oidc/" + Fixtures.TENANT + "/callback?" + "q".repeat(OidcSpec.MAX_REDIRECT_URL_LENGTH),
                    null, "redirectURL"),
            new Row("a role without permissions", g -> g.getSpec().tenants.authorization.roles.get(0).permissions = List.of(),
                    "tenants.authorization.roles[0].permissions: at least one is required", "permissions"),
            new Row("a binding without subjects", g -> g.getSpec().tenants.authorization.roleBindings.get(0).subjects = List.of(),
                    "tenants.authorization.roleBindings[0].subjects: at least one is required", "subjects"),
            new Row("no spec", g -> g.setSpec(null), "tenants: required", "spec: required"),
            new Row("neither tenants nor tenantsFrom", g -> g.getSpec().tenants = null,
                    "tenants: required", "spec.tenants or spec.tenantsFrom is required"),
            new Row("a Tempo URL with a user and password", g -> g.getSpec().upstream.distributor = "http://admin:pw@tempo:4318",
                    "upstream.distributor: must not carry a user or password", "distributor"),
            new Row("a Tempo URL with an '_' in its host name", g -> g.getSpec().upstream.queryFrontend = "http://tempo_qf:3200",
                    "upstream.queryFrontend: must be an http(s) URL", "queryFrontend"),
            new Row("a Tempo URL with a port that is not a number", g -> g.getSpec().upstream.distributor = "http://tempo:43x8",
                    "upstream.distributor: must be an http(s) URL", "distributor"),
            new Row("a Grafana URL with a user and password",
                    g -> g.getSpec().grafana = Fixtures.grafana("http://admin:pw@grafana:3000", "grafana-admin"),
                    null, "/spec/grafana/url"),
            new Row("a gateway URL with a user and password", g -> g.getSpec().gateway.url = "http://admin:pw@gw:8080",
                    null, "/spec/gateway/url"),
            // Both URLs take the host rule of the Tempo URLs, which the provisioner's own check applies to them.
            new Row("a Grafana URL with an '_' in its host name",
                    g -> g.getSpec().grafana = Fixtures.grafana("http://grafana_main:3000", "grafana-admin"),
                    null, "/spec/grafana/url"),
            new Row("a gateway URL with a port that is not a number", g -> g.getSpec().gateway.url = "http://gw:80x0",
                    null, "/spec/gateway/url"),
            new Row("no upstream and no tenantsFrom", g -> g.getSpec().upstream = null,
                    null, "spec.upstream is required without spec.tenantsFrom"),
            new Row("exposed by an Ingress and a Route at once", g -> {
                g.getSpec().expose = new ExposeSpec();
                g.getSpec().expose.ingress = new ExposeSpec.IngressSpec();
                g.getSpec().expose.ingress.host = "tempo.example.com";
                g.getSpec().expose.route = new ExposeSpec.RouteSpec();
                g.getSpec().expose.route.host = "tempo.example.com";
            }, null, "expose: ingress or route, not both"),
            new Row("secretSync naming an unknown tenant", g -> g.getSpec().secretSync.tenants = List.of("nobody"),
                    null, "secretSync.tenants: must name tenants"),
            new Row("a name over 63 characters", g -> g.getMetadata().setName("g".repeat(64)),
                    null, "metadata.name: at most 63 characters, as it is used as the value of the label tracegate.dev/gateway"));

    @BeforeAll
    static void loadCrd() throws Exception {
        admission = new CrdAdmission();
    }

    @Test
    void theSeedIsAdmittedAndValid() throws Exception {
        TempoGateway seed = Fixtures.seedGateway(NS);
        assertEquals(List.of(), admission.check(seed));
        assertEquals(List.of(), validatorSays(seed));
    }

    @Test
    void aNameOf63CharactersIsAdmitted() throws Exception {
        TempoGateway gateway = Fixtures.seedGateway(NS);
        gateway.getMetadata().setName("g".repeat(63));
        assertEquals(List.of(), admission.check(gateway));
    }

    @Test
    void rolesOfSeveralTenantsAndBindingsOfSeveralRolesAreAdmittedAndValid() throws Exception {
        TempoGateway gateway = Fixtures.seedGatewayWith(NS, "team-a", "team.b");
        Authorization authorization = gateway.getSpec().tenants.authorization;
        Authorization.Role readOnly = new Authorization.Role();
        readOnly.name = "read-only";
        readOnly.resources = List.of("traces");
        readOnly.tenants = List.of("team.b", Fixtures.TENANT, "team-a");
        readOnly.permissions = List.of(Authorization.Permission.READ);
        authorization.roles = List.of(authorization.roles.get(0), readOnly);
        authorization.roleBindings.get(0).roles = List.of("read-only", "read-write");
        assertEquals(List.of(), admission.check(gateway));
        assertEquals(List.of(), validatorSays(gateway));
    }

    /** kubernetes/examples as a user applies them: every TempoGateway in them is admitted, CEL rules included. */
    @Test
    void everyExampleTempoGatewayIsAdmitted() throws Exception {
        List<String> refused = new ArrayList<>();
        int gateways = 0;
        try (Stream<Path> files = Files.walk(Path.of("..", "kubernetes", "examples"))) {
            for (Path file : files.filter(f -> f.toString().endsWith(".yaml")).sorted().toList()) {
                for (JsonNode document : new YAMLMapper().readerFor(JsonNode.class).<JsonNode>readValues(file.toFile()).readAll()) {
                    if ("TempoGateway".equals(document.path("kind").asText())) {
                        gateways++;
                        admission.check(document).forEach(r -> refused.add(file + ": " + r.message()));
                    }
                }
            }
        }
        assertEquals(List.of(), refused);
        assertTrue(gateways >= 4, "TempoGateways found in kubernetes/examples: " + gateways);
    }

    @Test
    void scopesOfRfc6749sCharactersAreAdmittedAndValid() throws Exception {
        TempoGateway gateway = Fixtures.seedGateway(NS);
        first(gateway).oidc.scopes = List.of("openid", "groups", "api://tempo/read", "offline_access");
        assertEquals(List.of(), admission.check(gateway));
        assertEquals(List.of(), validatorSays(gateway));
    }

    @Test
    void everyBadRowIsRefusedByAdmissionAndByTheValidator() throws Exception {
        List<String> failures = new ArrayList<>();
        for (Row row : BAD) {
            TempoGateway gateway = Fixtures.seedGateway(NS);
            row.change().accept(gateway);
            List<CrdAdmission.Refusal> refusals = admission.check(gateway);
            String admitted = refusals.stream().map(CrdAdmission.Refusal::message).collect(Collectors.joining("; "));
            if (refusals.isEmpty() || !admitted.contains(row.admissionSays())) {
                failures.add(row.name() + ": admission said [" + admitted + "], expected " + row.admissionSays());
            }
            List<String> validator = validatorSays(gateway);
            if (row.validatorSays() == null ? !validator.isEmpty()
                    : validator.stream().noneMatch(p -> p.startsWith(row.validatorSays()))) {
                failures.add(row.name() + ": the validator said " + validator + ", expected " + row.validatorSays());
            }
        }
        assertEquals(List.of(), failures);
    }

    @Test
    void everyCelRuleOfTheCrdRefusesARowOfTheTable() throws Exception {
        Set<String> refusing = new HashSet<>();
        for (Row row : BAD) {
            TempoGateway gateway = Fixtures.seedGateway(NS);
            row.change().accept(gateway);
            admission.check(gateway).forEach(r -> refusing.add(r.rule()));
        }
        // Grafana's datasource settings are not tenants: no gateway validates them.
        List<String> untested = admission.rules().stream()
                .filter(rule -> !rule.contains("BearerToken"))
                .filter(rule -> !refusing.contains(rule))
                .toList();
        assertEquals(List.of(), untested, "CEL rules of the CRD that no row of the table exercises");
    }

    @Test
    void theCrdStatesTheValidatorsPatternsAndLengths() {
        var tenant = admission.schema().at("/properties/spec/properties/tenants/properties/authentication/items/properties");
        assertEquals(TenantsValidator.TENANT_NAME_PATTERN, tenant.at("/tenantName/pattern").asText());
        assertEquals(TenantsValidator.TENANT_NAME_MAX_LENGTH, tenant.at("/tenantName/maxLength").asInt());
        assertEquals(TenantsValidator.TENANT_ID_PATTERN, tenant.at("/tenantId/pattern").asText());
        assertEquals(TenantsValidator.TENANT_ID_MAX_LENGTH, tenant.at("/tenantId/maxLength").asInt());
        assertEquals(TenantsValidator.HTTP_URL_PATTERN, tenant.at("/oidc/properties/issuerURL/pattern").asText());
        assertEquals(TenantsValidator.HTTP_URL_PATTERN, tenant.at("/oidc/properties/redirectURL/pattern").asText());
        assertEquals(TenantsValidator.SCOPE_PATTERN, tenant.at("/oidc/properties/scopes/items/pattern").asText());
        assertEquals(TenantsValidator.NOT_BLANK_PATTERN, tenant.at("/oidc/properties/audiences/items/pattern").asText());
        var upstream = admission.schema().at("/properties/spec/properties/upstream/properties");
        assertEquals(TenantsValidator.SERVER_URL_PATTERN, upstream.at("/queryFrontend/pattern").asText());
        assertEquals(TenantsValidator.SERVER_URL_PATTERN, upstream.at("/distributor/pattern").asText());
        var spec = admission.schema().at("/properties/spec/properties");
        assertEquals(TenantsValidator.SERVER_URL_PATTERN, spec.at("/gateway/properties/url/pattern").asText());
        assertEquals(TenantsValidator.SERVER_URL_PATTERN, spec.at("/grafana/properties/url/pattern").asText());
        assertTrue(admission.schema().at("/properties/spec/properties/tenants/required").toString().contains("authorization"));
        assertFalse(admission.rules().isEmpty());
    }

    /** The validator's problems for the document the provisioner would publish from this TempoGateway. */
    private static List<String> validatorSays(TempoGateway gateway) {
        if (gateway.getSpec() == null || gateway.getSpec().tenants == null) {
            try {
                TenantsValidator.validate(new TenantsParser(null).parse("{}"));
                return List.of();
            } catch (InvalidTenantsException e) {
                return e.problems();
            }
        }
        ConfigResolution resolution = GatewayConfigResolver.resolve(gateway, (namespace, name) ->
                Optional.of(Fixtures.secret(namespace, name, Map.of("clientID", "grafana"))));
        if (resolution instanceof ConfigResolution.Invalid invalid) {
            return invalid.problems();
        }
        assertInstanceOf(ConfigResolution.Resolved.class, resolution);
        return List.of();
    }

    private static TenantAuthentication first(TempoGateway gateway) {
        return gateway.getSpec().tenants.authentication.get(0);
    }
}

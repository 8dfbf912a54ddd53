package dev.tracegate.provisioner.crd;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import dev.tracegate.provisioner.status.Conditions;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Consumer;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The status's conditions follow Kubernetes' conventions for conditions (metav1.Condition, {@code +listType=map}
 * {@code +listMapKey=type}): one per type, which the API server enforces, with the fields metav1.Condition requires.
 * The tenants are a plain list: a spec that names a tenant twice must still get the status that says so.
 */
class StatusSchemaTest {
    /** The copy users apply; the build generates it with the one on the class path that CrdAdmission reads. */
    static final Path SHIPPED_CRD = Path.of("..", "kubernetes", "crds", "tempogateways.tracegate.dev-v1.yml");
    static final Set<String> METAV1_CONDITION_REQUIRED = Set.of("type", "status", "reason", "message", "lastTransitionTime");
    static final Instant NOW = Instant.parse("2026-01-01T00:00:00Z");

    static CrdAdmission admission;

    @BeforeAll
    static void readCrd() throws Exception {
        admission = new CrdAdmission();
    }

    @Test
    void conditionsAreAListMapKeyedByTypeWithTheFieldsMetav1ConditionRequires() throws Exception {
        JsonNode shipped = new YAMLMapper().readTree(SHIPPED_CRD.toFile()).at("/spec/versions/0/schema/openAPIV3Schema");
        for (JsonNode schema : List.of(admission.schema(), shipped)) {
            JsonNode conditions = schema.at("/properties/status/properties/conditions");
            assertEquals("map", conditions.path("x-kubernetes-list-type").asText());
            assertEquals(List.of("type"), strings(conditions.path("x-kubernetes-list-map-keys")));
            assertEquals(new TreeSet<>(METAV1_CONDITION_REQUIRED), new TreeSet<>(strings(conditions.at("/items/required"))));
        }
    }

    @Test
    void twoConditionsOfOneTypeAreRefused() throws Exception {
        TempoGatewayStatus twice = new TempoGatewayStatus();
        twice.conditions = List.of(condition(Conditions.READY, "True"), condition(Conditions.READY, "False"));
        TempoGatewayStatus once = new TempoGatewayStatus();
        once.conditions = List.of(condition(Conditions.READY, "True"), condition(Conditions.SECRETS_SYNCED, "True"));

        List<CrdAdmission.Refusal> refusals = admission.checkStatus(twice);
        assertEquals(1, refusals.size(), refusals::toString);
        assertEquals("x-kubernetes-list-type: map", refusals.get(0).rule());
        assertEquals("/conditions/1: Duplicate value: {\"type\":\"Ready\"}", refusals.get(0).message());
        assertEquals(List.of(), admission.checkStatus(once));
    }

    @Test
    void aConditionWithoutAFieldMetav1ConditionRequiresIsRefused() throws Exception {
        List<Consumer<Condition>> leaveOut = List.of(c -> c.type = null, c -> c.status = null, c -> c.reason = null,
                c -> c.message = null, c -> c.lastTransitionTime = null);
        for (Consumer<Condition> change : leaveOut) {
            Condition condition = condition(Conditions.READY, "True");
            change.accept(condition);
            TempoGatewayStatus status = new TempoGatewayStatus();
            status.conditions = List.of(condition);
            assertFalse(admission.checkStatus(status).isEmpty(), "admitted: " + condition + " at " + condition.lastTransitionTime);
        }
    }

    @Test
    void theConditionsTheProvisionerStampsAreAdmitted() throws Exception {
        TempoGatewayStatus status = new TempoGatewayStatus();
        List<Condition> parts = List.of(Conditions.of(Conditions.SECRETS_SYNCED, true, "NotConfigured", "spec.secretSync is not set"),
                Conditions.of(Conditions.CONFIG_PUBLISHED, false, "InvalidTenants", "tenants.authentication[1].tenantName: used twice"),
                Conditions.of(Conditions.DATASOURCES_SYNCED, true, "NotConfigured", "spec.grafana is not set"));
        List<Condition> all = new ArrayList<>(parts);
        all.add(0, Conditions.ready(parts, "serving 2 tenant(s)"));
        status.conditions = Conditions.stamp(List.of(), all, 1L, NOW);

        assertEquals(List.of(), admission.checkStatus(status));
    }

    @Test
    void aConditionOutsideMetav1ConditionsLimitsIsRefused() throws Exception {
        Map<String, Consumer<Condition>> outside = new LinkedHashMap<>();
        outside.put("a status other than True, False, Unknown", c -> c.status = "Maybe");
        outside.put("a reason of two words", c -> c.reason = "Not Ready");
        outside.put("an empty reason", c -> c.reason = "");
        outside.put("a reason over 1024 characters", c -> c.reason = "R".repeat(1025));
        outside.put("a type with a space", c -> c.type = "Ready now");
        outside.put("a message over 32768 characters", c -> c.message = "m".repeat(Condition.MAX_MESSAGE + 1));
        outside.put("a negative observedGeneration", c -> c.observedGeneration = -1L);
        for (Map.Entry<String, Consumer<Condition>> change : outside.entrySet()) {
            Condition condition = condition(Conditions.READY, "True");
            change.getValue().accept(condition);
            TempoGatewayStatus status = new TempoGatewayStatus();
            status.conditions = List.of(condition);
            assertFalse(admission.checkStatus(status).isEmpty(), "admitted: " + change.getKey());
        }

        Condition atTheLimits = new Condition("example.com/Ready", "Unknown", "A", "m".repeat(Condition.MAX_MESSAGE),
                "2026-01-01T00:00:00Z", 0L);
        TempoGatewayStatus status = new TempoGatewayStatus();
        status.conditions = List.of(atTheLimits);
        assertEquals(List.of(), admission.checkStatus(status));
    }

    @Test
    void aMessageLongerThanTheCrdAdmitsIsCutWhenStamped() throws Exception {
        // Every field wrong in a large document: the message would outgrow metav1.Condition's 32768 characters.
        String errors = "tenants.authentication[999].oidc.issuerURL: must be an https URL; ".repeat(600);
        // A character of two UTF-16 units (an emoji) right where the cut falls must not be split.
        String atTheCut = "e".repeat(Condition.MAX_MESSAGE - 2) + "\uD83D\uDE00" + "tail";
        TempoGatewayStatus status = new TempoGatewayStatus();
        status.conditions = Conditions.stamp(List.of(), List.of(
                Conditions.of(Conditions.CONFIG_PUBLISHED, false, "InvalidTenants", errors),
                Conditions.of(Conditions.TENANTS_RESOLVED, false, "InvalidTenants", atTheCut)), 1L, NOW);

        assertEquals(List.of(), admission.checkStatus(status));
        String cut = status.conditions.stream().filter(c -> c.type.equals(Conditions.CONFIG_PUBLISHED)).findFirst()
                .orElseThrow().message;
        assertEquals(Condition.MAX_MESSAGE, cut.length());
        assertTrue(errors.startsWith(cut.substring(0, cut.length() - 1)) && cut.endsWith("\u2026"), "cut with an ellipsis");
        String beforeTheEmoji = status.conditions.stream().filter(c -> c.type.equals(Conditions.TENANTS_RESOLVED))
                .findFirst().orElseThrow().message;
        assertEquals("e".repeat(Condition.MAX_MESSAGE - 2) + "\u2026", beforeTheEmoji);
        // A message within the limit is kept whole.
        assertEquals("spec.grafana is not set", Conditions.stamp(List.of(), List.of(Conditions.of(
                Conditions.DATASOURCES_SYNCED, true, "NotConfigured", "spec.grafana is not set")), 1L, NOW).get(0).message);
    }

    @Test
    void aTenantNamedTwiceIsAdmittedInTheStatus() throws Exception {
        TempoGatewayStatus status = new TempoGatewayStatus();
        status.tenants = List.of(tenant("team-a"), tenant("team-a"));

        assertEquals(List.of(), admission.checkStatus(status));
        assertTrue(admission.schema().at("/properties/status/properties/tenants/x-kubernetes-list-type").isMissingNode());
    }

    private static Condition condition(String type, String status) {
        return new Condition(type, status, "Because", "as the test says", "2026-01-01T00:00:00Z", 1L);
    }

    private static TenantStatus tenant(String name) {
        TenantStatus tenant = new TenantStatus();
        tenant.tenantName = name;
        tenant.lastError = "tenants.authentication[1].tenantName: 'team-a' is used by another tenant";
        return tenant;
    }

    private static List<String> strings(JsonNode array) {
        List<String> values = new ArrayList<>();
        array.forEach(v -> values.add(v.asText()));
        return values;
    }
}

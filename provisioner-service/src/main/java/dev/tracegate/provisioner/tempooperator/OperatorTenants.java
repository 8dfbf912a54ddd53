package dev.tracegate.provisioner.tempooperator;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.tracegate.provisioner.crd.TenantsSpec;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The tenants of a TempoStack ({@code spec.tenants}) or a TempoMonolithic ({@code spec.multitenancy}), read from
 * the resource as the API server returns it, and whether the operator runs its gateway for them. Pure.
 *
 * @param mode           static or openshift, as the operator's ModeType
 * @param tenants        the tenants in this provisioner's own types (oidc absent in mode openshift)
 * @param gatewayEnabled true when the operator runs its gateway (TempoStack: spec.template.gateway.enabled;
 *                       TempoMonolithic: multitenancy enabled with at least one tenant, as the operator decides)
 */
public record OperatorTenants(String mode, TenantsSpec tenants, boolean gatewayEnabled) {
    public static final String MODE_STATIC = "static";
    public static final String MODE_OPENSHIFT = "openshift";

    /** Reads only the fields the provisioner needs; the operator's other fields are no concern of ours. */
    private static final ObjectMapper LENIENT = JsonMapper.builder()
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES).build();

    public boolean openShift() {
        return MODE_OPENSHIFT.equals(mode);
    }

    /** Empty when the resource declares no tenants (no spec.tenants; multitenancy disabled or without tenants). */
    public static Optional<OperatorTenants> read(TempoResourceKind kind, GenericKubernetesResource resource) {
        Map<String, Object> spec = map(resource.getAdditionalProperties().get("spec"));
        Map<String, Object> block;
        boolean gateway;
        if (kind == TempoResourceKind.TEMPO_STACK) {
            block = map(spec.get("tenants"));
            gateway = Boolean.TRUE.equals(map(map(spec.get("template")).get("gateway")).get("enabled"));
        } else {
            block = map(spec.get("multitenancy"));
            if (!Boolean.TRUE.equals(block.get("enabled"))) {
                return Optional.empty();
            }
            gateway = true;
        }
        Object authentication = block.get("authentication");
        if (!(authentication instanceof List<?> list) || list.isEmpty()) {
            return Optional.empty();
        }
        // The operator's default mode is static.
        String mode = block.get("mode") instanceof String m ? m : MODE_STATIC;
        Map<String, Object> fields = new LinkedHashMap<>(block);
        fields.keySet().retainAll(List.of("authentication", "authorization"));
        TenantsSpec tenants = LENIENT.convertValue(fields, TenantsSpec.class);
        return Optional.of(new OperatorTenants(mode, tenants, gateway));
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> map(Object value) {
        return value instanceof Map<?, ?> m ? (Map<String, Object>) m : Map.of();
    }
}

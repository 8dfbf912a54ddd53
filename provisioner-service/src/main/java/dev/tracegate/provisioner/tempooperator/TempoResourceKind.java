package dev.tracegate.provisioner.tempooperator;

import dev.tracegate.provisioner.crd.TenantsFromSpec;
import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;

/** The Tempo Operator's kinds that carry tenants, and what the operator names after them. */
public enum TempoResourceKind {
    TEMPO_STACK("TempoStack", "tempostacks"),
    TEMPO_MONOLITHIC("TempoMonolithic", "tempomonolithics");

    public static final String GROUP = "tempo.grafana.com";
    public static final String VERSION = "v1alpha1";
    public static final String GROUP_VERSION = GROUP + "/" + VERSION;

    private final String kind;
    private final String plural;

    TempoResourceKind(String kind, String plural) {
        this.kind = kind;
        this.plural = plural;
    }

    public static TempoResourceKind of(TenantsFromSpec.Kind kind) {
        return kind == TenantsFromSpec.Kind.TEMPO_MONOLITHIC ? TEMPO_MONOLITHIC : TEMPO_STACK;
    }

    public String kind() {
        return kind;
    }

    public String plural() {
        return plural;
    }

    public ResourceDefinitionContext context() {
        return new ResourceDefinitionContext.Builder().withGroup(GROUP).withVersion(VERSION).withKind(kind)
                .withPlural(plural).withNamespaced(true).build();
    }

    /** "TempoStack simplest", for messages. */
    public String describe(String name) {
        return kind + " " + name;
    }
}

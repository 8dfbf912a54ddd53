package dev.tracegate.provisioner.status;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.tracegate.provisioner.crd.Condition;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * lastTransitionTime changes when the status does, not at every reconcile; Ready sums up the others; what the CRD
 * would refuse (a type twice, a field metav1.Condition requires left out) is never stamped.
 */
class ConditionsTest {
    static final Instant EARLIER = Instant.parse("2026-01-01T00:00:00Z");
    static final Instant LATER = Instant.parse("2026-01-01T01:00:00Z");

    @Test
    void transitionTimeIsKeptWhileTheStatusStays() {
        List<Condition> first = Conditions.stamp(List.of(), List.of(Conditions.of("SecretsSynced", true, "Synced", "1 Secret")), 1L, EARLIER);
        List<Condition> same = Conditions.stamp(first, List.of(Conditions.of("SecretsSynced", true, "Synced", "1 Secret, again")), 2L, LATER);
        List<Condition> flipped = Conditions.stamp(same, List.of(Conditions.of("SecretsSynced", false, "ForeignSecret", "x")), 3L, LATER);

        assertEquals("2026-01-01T00:00:00Z", same.get(0).lastTransitionTime);
        assertEquals(2L, same.get(0).observedGeneration);
        assertEquals("2026-01-01T01:00:00Z", flipped.get(0).lastTransitionTime);
    }

    @Test
    void aTypeGivenTwiceOrAConditionWithoutReasonIsNeverStamped() {
        Condition synced = Conditions.of("SecretsSynced", true, "Synced", "1 Secret");
        Condition failed = Conditions.of("SecretsSynced", false, "ForeignSecret", "x");
        Condition withoutReason = Conditions.of("ConfigPublished", true, null, "published");

        IllegalArgumentException twice = assertThrows(IllegalArgumentException.class,
                () -> Conditions.stamp(List.of(), List.of(synced, failed), 1L, EARLIER));
        assertEquals("condition SecretsSynced given twice: the CRD keeps one per type", twice.getMessage());
        assertThrows(IllegalArgumentException.class, () -> Conditions.stamp(List.of(), List.of(withoutReason), 1L, EARLIER));
    }

    @Test
    void readyRepeatsTheFirstFailingCondition() {
        Condition ready = Conditions.ready(List.of(
                Conditions.of("SecretsSynced", true, "Synced", "ok"),
                Conditions.of("ConfigPublished", false, "TenantSecretMissing", "Secret oidc-test of tenant test-oidc not found")), "serving");

        assertEquals("False", ready.status);
        assertEquals("TenantSecretMissing", ready.reason);
        assertEquals("ConfigPublished: Secret oidc-test of tenant test-oidc not found", ready.message);
    }
}

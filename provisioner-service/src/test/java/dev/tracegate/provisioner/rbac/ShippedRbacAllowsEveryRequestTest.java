package dev.tracegate.provisioner.rbac;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

import dev.tracegate.provisioner.support.ApiRequestLog;
import dev.tracegate.provisioner.support.ApiRequestLog.ApiRequest;
import java.nio.file.Path;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The mock API server enforces no RBAC, so this check does: every request the provisioner made to it during the
 * suite (recorded by RecordingKubernetesClientProducer) must be allowed by the RBAC that kubernetes/base ships,
 * and every verb those rules grant must have been used by one. A plain JUnit class: Quarkus' class orderer runs
 * it after every @QuarkusTest of the module, once the log is complete.
 */
class ShippedRbacAllowsEveryRequestTest {
    static final Path BASE = Path.of("..", "kubernetes", "base");

    @Test
    void everyRequestOfTheSuiteIsAllowedAndEveryGrantedVerbIsUsed() {
        List<ApiRequest> requests = ApiRequestLog.read();
        assumeFalse(requests.isEmpty(), "no provisioner ran in this JVM (a single test class was selected)");
        List<ShippedRbac.Rule> rules = ShippedRbac.read(BASE);

        Set<String> refused = new LinkedHashSet<>();
        for (ApiRequest request : requests) {
            if (rules.stream().noneMatch(rule -> rule.allows(request))) {
                refused.add(request.toString());
            }
        }
        assertEquals(Set.of(), refused, "requests the shipped RBAC would refuse (403 on a real cluster)");

        Set<String> unused = new LinkedHashSet<>();
        for (ShippedRbac.Rule rule : rules) {
            for (String resource : rule.resources()) {
                for (String verb : rule.verbs()) {
                    boolean used = requests.stream().anyMatch(r -> r.resourcePath().equals(resource) && rule.allowsVerb(r, verb) && r.verb().equals(verb));
                    if (!used) {
                        unused.add(rule.role() + ": " + verb + " " + resource);
                    }
                }
            }
        }
        assertEquals(Set.of(), unused, "granted but never used by the provisioner: drop them (least privilege)");
    }
}

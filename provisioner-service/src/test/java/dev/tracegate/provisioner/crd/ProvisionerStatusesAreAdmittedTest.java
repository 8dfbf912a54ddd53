package dev.tracegate.provisioner.crd;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tracegate.provisioner.support.StatusWriteLog;
import dev.tracegate.provisioner.support.StatusWriteLog.StatusWrite;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The mock API server checks no schema, so this check does: every status the provisioner wrote during the suite
 * (recorded by RecordingKubernetesClientProducer) must be one the CRD admits, its conditions one per type with
 * the fields it requires. A plain JUnit class: Quarkus' class orderer runs it after every @QuarkusTest of the
 * module, once the log is complete.
 */
class ProvisionerStatusesAreAdmittedTest {
    @Test
    void everyStatusTheProvisionerWroteInTheSuiteIsAdmitted() throws Exception {
        List<StatusWrite> writes = StatusWriteLog.read();
        assumeFalse(writes.isEmpty(), "no provisioner ran in this JVM (a single test class was selected)");
        CrdAdmission admission = new CrdAdmission();
        // Many writes repeat a status (another gateway, another test): each distinct one is checked once.
        Map<JsonNode, String> distinct = new LinkedHashMap<>();
        writes.forEach(w -> distinct.putIfAbsent(w.status(), w.gateway()));

        Map<String, List<CrdAdmission.Refusal>> refused = new LinkedHashMap<>();
        for (Map.Entry<JsonNode, String> write : distinct.entrySet()) {
            List<CrdAdmission.Refusal> refusals = admission.checkStatus(write.getKey());
            if (!refusals.isEmpty()) {
                refused.put(write.getValue() + " " + write.getKey(), refusals);
            }
        }
        assertEquals(Map.of(), refused, "statuses the API server would refuse (422 on a real cluster)");
        assertTrue(distinct.keySet().stream().anyMatch(s -> s.path("conditions").size() > 1),
                "no status with conditions was recorded: is the recording broken?");
    }
}

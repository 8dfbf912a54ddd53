package dev.tracegate.gateway.config;

import static org.junit.jupiter.api.Assertions.assertEquals;

import jakarta.inject.Inject;

import org.eclipse.microprofile.config.ConfigProvider;
import org.junit.jupiter.api.Test;

import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.vertx.core.Vertx;

import dev.tracegate.gateway.testsupport.EventLoops;
import dev.tracegate.gateway.testsupport.KeycloakTestResource;
import dev.tracegate.gateway.testsupport.TempoStandInResource;

/**
 * The gateway runs one Vert.x event loop per core it is given (Quarkus alone would run two on one core; on this
 * test's machine the counts agree, so the source of the setting is checked too). The unit checks of
 * {@link OneEventLoopPerCore} cover one core and a setting that overrides it.
 */
@QuarkusTest
@QuarkusTestResource(KeycloakTestResource.class)
@QuarkusTestResource(TempoStandInResource.class)
class EventLoopsTest {

    @Inject
    Vertx vertx;

    @Test
    void oneEventLoopPerCore() {
        assertEquals(OneEventLoopPerCore.NAME,
                ConfigProvider.getConfig().getConfigValue(OneEventLoopPerCore.EVENT_LOOPS).getSourceName());
        assertEquals(Runtime.getRuntime().availableProcessors(), EventLoops.of(vertx));
    }
}

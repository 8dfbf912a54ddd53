package dev.tracegate.gateway.config;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Map;

import org.junit.jupiter.api.Test;

import io.smallrye.config.PropertiesConfigSource;
import io.smallrye.config.SmallRyeConfig;
import io.smallrye.config.SmallRyeConfigBuilder;

class OneEventLoopPerCoreTest {

    @Test
    void oneCoreOneEventLoop() {
        SmallRyeConfig config = new SmallRyeConfigBuilder().withSources(new OneEventLoopPerCore(() -> 1)).build();
        assertEquals(1, config.getValue(OneEventLoopPerCore.EVENT_LOOPS, Integer.class));
    }

    @Test
    void aSettingWins() {
        SmallRyeConfig config = new SmallRyeConfigBuilder().withSources(new OneEventLoopPerCore(() -> 1),
                new PropertiesConfigSource(Map.of(OneEventLoopPerCore.EVENT_LOOPS, "3"), "application.properties", 250))
                .build();
        assertEquals(3, config.getValue(OneEventLoopPerCore.EVENT_LOOPS, Integer.class));
    }
}

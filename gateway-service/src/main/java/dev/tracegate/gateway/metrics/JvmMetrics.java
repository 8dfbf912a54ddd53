package dev.tracegate.gateway.metrics;

import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.util.concurrent.TimeUnit;

import jakarta.inject.Singleton;

import io.micrometer.core.instrument.FunctionTimer;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;
import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.quarkus.micrometer.runtime.binder.JVMInfoBinder;

/**
 * The JVM's meters, in place of Quarkus' JVM binder ({@code quarkus.micrometer.binder.jvm=false}): the same memory,
 * thread, class-loading and {@code jvm_info_total} meters, and garbage collection read from the collectors' MXBeans
 * when {@code /q/metrics} is scraped, as {@code jvm_gc_collection_seconds} ({@code _count}, {@code _sum}) by
 * collector ({@code gc}), the Prometheus Java client's name for it.
 * <p>
 * Quarkus' binder takes garbage collection from a JMX notification per collection (Micrometer's
 * {@code JvmGcMetrics} and {@code JvmHeapPressureMetrics}): at full load the gateway collects its young generation
 * some 60 times a second, and building those notifications cost about 2 % of its CPU (bench/README.md, "Thirteenth
 * round"). Left out with them: {@code jvm_gc_pause_seconds} by cause, {@code jvm_gc_memory_allocated_bytes},
 * {@code jvm_gc_memory_promoted_bytes}, {@code jvm_gc_live_data_size_bytes}, {@code jvm_gc_overhead}. A native
 * executable had no {@code jvm_gc_pause_seconds} before either: Quarkus binds it in JVM mode only.
 */
@Singleton
public class JvmMetrics implements MeterBinder {

    @Override
    public void bindTo(MeterRegistry registry) {
        new ClassLoaderMetrics().bindTo(registry);
        new JvmMemoryMetrics().bindTo(registry);
        new JvmThreadMetrics().bindTo(registry);
        new JVMInfoBinder().bindTo(registry);
        for (GarbageCollectorMXBean collector : ManagementFactory.getGarbageCollectorMXBeans()) {
            FunctionTimer.builder("jvm.gc.collection", collector,
                            GarbageCollectorMXBean::getCollectionCount, GarbageCollectorMXBean::getCollectionTime,
                            TimeUnit.MILLISECONDS)
                    .tag("gc", collector.getName())
                    .description("Collections of this garbage collector and the time they took (its MXBean's)")
                    .register(registry);
        }
    }
}

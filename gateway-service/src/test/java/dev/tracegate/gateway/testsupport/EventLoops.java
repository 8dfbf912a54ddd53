package dev.tracegate.gateway.testsupport;

import io.netty.util.concurrent.MultithreadEventExecutorGroup;
import io.vertx.core.Vertx;
import io.vertx.core.impl.VertxInternal;

/** The event loops a Vert.x instance runs: Netty starts their threads only when first used, so they are not counted. */
public final class EventLoops {

    private EventLoops() {
    }

    public static int of(Vertx vertx) {
        return ((MultithreadEventExecutorGroup) ((VertxInternal) vertx).getEventLoopGroup()).executorCount();
    }
}

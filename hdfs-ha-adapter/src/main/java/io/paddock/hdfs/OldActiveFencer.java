package io.paddock.hdfs;

import java.io.IOException;
import java.time.Instant;
import org.apache.hadoop.ha.HAServiceProtocol;
import org.apache.hadoop.hdfs.tools.NNHAServiceTarget;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Fences the NameNode a breadcrumb names before the local one becomes active: first it is asked to
 * step down (unless its port refuses connections), then, unless it did, the methods of
 * {@code dfs.ha.fencing.methods} run and one of them must succeed. Every attempt is recorded in the
 * status with its duration.
 */
final class OldActiveFencer {
    private static final Logger LOG = LoggerFactory.getLogger(OldActiveFencer.class);
    private static final String GRACEFUL = "graceful (transitionToStandby)";

    private final ControllerConfig config;
    private final ActiveNodeInfoCodec codec;
    private final ControllerStatus status;

    OldActiveFencer(ControllerConfig config, ActiveNodeInfoCodec codec, ControllerStatus status) {
        this.config = config;
        this.codec = codec;
        this.status = status;
    }

    /** Returns once the previous active is fenced; throws, naming the reason, if it could not be. */
    void fence(byte[] oldActiveData) {
        NNHAServiceTarget target;
        try {
            target = codec.decode(oldActiveData);
        } catch (IOException e) {
            throw new IllegalStateException("cannot tell whom to fence: " + e.getMessage(), e);
        }
        LOG.info("fencing the previous active {}", target);
        if (askToStepDown(target)) {
            return;
        }
        long t0 = System.nanoTime();
        String methods = config.conf.get(ControllerConfig.FENCING_METHODS, "");
        boolean fenced;
        String detail;
        try {
            target.checkFencingConfigured();
            fenced = target.getFencer().fence(target);
            detail = fenced ? "fenced" : "every method in " + ControllerConfig.FENCING_METHODS + " failed";
        } catch (Exception e) {
            fenced = false;
            detail = e.toString();
        }
        long ms = NameNodeRpc.millisSince(t0);
        LOG.info("fencing {} with {}: {} in {} ms", target, ControllerConfig.FENCING_METHODS, detail, ms);
        status.fencing(new ControllerStatus.Fencing(Instant.now(), target.getNameNodeId(), methods, fenced, ms, detail));
        if (!fenced) {
            throw new IllegalStateException("Unable to fence old active " + target + ": " + detail);
        }
    }

    /**
     * Asks the previous active to step down itself; true if it did. Bounded as a whole by
     * {@code ha.failover-controller.graceful-fence.rpc-timeout.ms}. A NameNode whose RPC port refuses
     * connections is not asked at all: nothing listens there, and the IPC client's connect retry
     * would only delay the configured fencing methods, which run next in every case but success.
     */
    private boolean askToStepDown(NNHAServiceTarget target) {
        long t0 = System.nanoTime();
        PortProbe.Result port = PortProbe.probe(target.getAddress(), config.gracefulFenceTimeoutMs);
        if (port != PortProbe.Result.ACCEPTS) {
            String why = port == PortProbe.Result.REFUSED
                    ? target.getAddress() + " refuses connections (nothing listens there)"
                    : target.getAddress() + " did not answer within " + config.gracefulFenceTimeoutMs + " ms";
            LOG.info("not asking {} to step down: {}", target, why);
            record(target, false, t0, "skipped: " + why);
            return false;
        }
        HAServiceProtocol proxy = null;
        try {
            int left = (int) Math.max(1, config.gracefulFenceTimeoutMs - NameNodeRpc.millisSince(t0));
            proxy = target.getProxy(config.gracefulFenceConf, left);
            // no second attempt here: the previous active is often dying, and fencing must not wait
            NameNodeRpc.send(proxy, false);
            LOG.info("{} stepped down when asked", target);
            record(target, true, t0, "stepped down");
            return true;
        } catch (Throwable t) {
            LOG.info("asking {} to step down failed: {}", target, t.toString());
            record(target, false, t0, t.toString());
            return false;
        } finally {
            NameNodeRpc.stopProxy(proxy);
        }
    }

    private void record(NNHAServiceTarget target, boolean succeeded, long t0, String detail) {
        status.fencing(new ControllerStatus.Fencing(Instant.now(), target.getNameNodeId(), GRACEFUL, succeeded,
                NameNodeRpc.millisSince(t0), detail));
    }
}

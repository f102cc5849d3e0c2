package io.paddock.hdfs;

import java.io.IOException;
import java.net.InetSocketAddress;
import org.apache.hadoop.hdfs.server.namenode.ha.proto.HAZKInfoProtos.ActiveNodeInfo;
import org.apache.hadoop.hdfs.tools.NNHAServiceTarget;
import org.apache.hadoop.thirdparty.protobuf.InvalidProtocolBufferException;

/**
 * The bytes stored in the lock and breadcrumb znodes: Hadoop's {@code ActiveNodeInfo} protobuf with
 * the same fields the stock ZKFC writes, so a stock controller and this one read each other's data.
 */
final class ActiveNodeInfoCodec {
    private final ControllerConfig config;

    ActiveNodeInfoCodec(ControllerConfig config) {
        this.config = config;
    }

    byte[] encode(NNHAServiceTarget target) {
        InetSocketAddress addr = target.getAddress();
        return ActiveNodeInfo.newBuilder()
                .setHostname(addr.getHostName())
                .setPort(addr.getPort())
                .setZkfcPort(target.getZKFCAddress().getPort())
                .setNameserviceId(target.getNameServiceId())
                .setNamenodeId(target.getNameNodeId())
                .build().toByteArray();
    }

    /** The NameNode the data names, checked against this host's configuration. */
    NNHAServiceTarget decode(byte[] data) throws IOException {
        ActiveNodeInfo info;
        try {
            info = ActiveNodeInfo.parseFrom(data);
        } catch (InvalidProtocolBufferException e) {
            throw new IOException("unreadable ActiveNodeInfo in the election znode: " + e.getMessage(), e);
        }
        if (!info.getNameserviceId().equals(config.nameserviceId)) {
            throw new IOException("election znode names nameservice '" + info.getNameserviceId()
                    + "', this controller serves '" + config.nameserviceId + "'");
        }
        NNHAServiceTarget target = config.target(info.getNamenodeId());
        InetSocketAddress addr = target.getAddress();
        if (addr.getPort() != info.getPort()) {
            throw new IOException("election znode says NameNode " + info.getNamenodeId() + " is at "
                    + info.getHostname() + ":" + info.getPort() + " but the configuration says " + addr);
        }
        return target;
    }
}

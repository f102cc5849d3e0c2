package io.paddock.coordinator.sim.linear;

import java.util.List;

/**
 * The verdict of {@link LinearizabilityChecker#check}.
 *
 * @param verdict        LINEARIZABLE, NOT_LINEARIZABLE or UNKNOWN (a search budget ran out)
 * @param witness        when LINEARIZABLE: one legal sequential order of every completed op and of
 *                       the pending ops that took effect in it; empty otherwise
 * @param notTakenEffect when LINEARIZABLE: the pending ops the witness leaves out (they did not
 *                       take effect); empty otherwise
 * @param longestPrefix  when NOT_LINEARIZABLE: the longest legal sequential prefix found in the
 *                       failing partition; empty otherwise
 * @param unplaceable    when NOT_LINEARIZABLE: the op(s) that could not be placed after that prefix
 * @param explanation    a human-readable summary (state, expected vs observed result, partition keys)
 * @param partitions     how many independent key partitions were checked
 * @param steps          search steps spent over all partitions
 */
public record CheckResult(
        Verdict verdict,
        List<Operation> witness,
        List<Operation> notTakenEffect,
        List<Operation> longestPrefix,
        List<Operation> unplaceable,
        String explanation,
        int partitions,
        long steps) {

    public enum Verdict { LINEARIZABLE, NOT_LINEARIZABLE, UNKNOWN }

    public CheckResult {
        witness = List.copyOf(witness);
        notTakenEffect = List.copyOf(notTakenEffect);
        longestPrefix = List.copyOf(longestPrefix);
        unplaceable = List.copyOf(unplaceable);
    }

    public boolean isLinearizable() {
        return verdict == Verdict.LINEARIZABLE;
    }

    @Override
    public String toString() {
        return verdict + " (" + partitions + " partitions, " + steps + " steps)\n" + explanation;
    }
}

package io.paddock.bench;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import javax.imageio.ImageIO;

/** Line charts as PNG with Java2D (headless): a few named series of (x, y) points, linear or log-x axes. */
final class Plot {
    record Series(String name, List<double[]> points) {}

    private static final Color[] COLORS = {new Color(0x1f77b4), new Color(0xff7f0e), new Color(0x2ca02c),
        new Color(0xd62728)};
    private static final int W = 900;
    private static final int H = 520;
    private static final int LEFT = 80;
    private static final int RIGHT = 30;
    private static final int TOP = 50;
    private static final int BOTTOM = 60;

    private final String title;
    private final String xLabel;
    private final String yLabel;
    private final boolean logX;
    private final Map<String, Series> series = new LinkedHashMap<>();

    Plot(String title, String xLabel, String yLabel, boolean logX) {
        this.title = title;
        this.xLabel = xLabel;
        this.yLabel = yLabel;
        this.logX = logX;
    }

    Plot add(Series s) {
        series.put(s.name(), s);
        return this;
    }

    private double fx(double x) {
        return logX ? Math.log10(Math.max(x, 1e-9)) : x;
    }

    void write(Path file) throws IOException {
        System.setProperty("java.awt.headless", "true");
        double minX = Double.MAX_VALUE;
        double maxX = -Double.MAX_VALUE;
        double maxY = 0;
        for (Series s : series.values()) {
            for (double[] p : s.points()) {
                minX = Math.min(minX, fx(p[0]));
                maxX = Math.max(maxX, fx(p[0]));
                maxY = Math.max(maxY, p[1]);
            }
        }
        if (minX >= maxX) {
            maxX = minX + 1;
        }
        maxY = maxY <= 0 ? 1 : maxY * 1.05;
        BufferedImage img = new BufferedImage(W, H, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = img.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
        g.setColor(Color.WHITE);
        g.fillRect(0, 0, W, H);
        g.setColor(Color.BLACK);
        g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 16));
        g.drawString(title, LEFT, 28);
        g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
        int pw = W - LEFT - RIGHT;
        int ph = H - TOP - BOTTOM;
        g.drawRect(LEFT, TOP, pw, ph);
        for (int i = 0; i <= 5; i++) {
            double v = maxY * i / 5;
            int y = TOP + ph - (int) (ph * i / 5.0);
            g.setColor(new Color(0xdddddd));
            g.drawLine(LEFT + 1, y, LEFT + pw - 1, y);
            g.setColor(Color.BLACK);
            g.drawString(format(v), 8, y + 4);
        }
        for (int i = 0; i <= 5; i++) {
            double v = minX + (maxX - minX) * i / 5;
            int x = LEFT + (int) (pw * i / 5.0);
            g.drawString(format(logX ? Math.pow(10, v) : v), x - 15, TOP + ph + 18);
        }
        g.drawString(xLabel, LEFT + pw / 2 - 60, H - 15);
        g.drawString(yLabel, 8, TOP - 10);
        int legendY = TOP + 18;
        int c = 0;
        for (Series s : series.values()) {
            Color color = COLORS[c++ % COLORS.length];
            g.setColor(color);
            g.setStroke(new BasicStroke(2f));
            int px = -1;
            int py = -1;
            for (double[] p : s.points()) {
                int x = LEFT + (int) (pw * (fx(p[0]) - minX) / (maxX - minX));
                int y = TOP + ph - (int) (ph * p[1] / maxY);
                if (px >= 0) {
                    g.drawLine(px, py, x, y);
                }
                px = x;
                py = y;
            }
            g.fillRect(LEFT + pw - 190, legendY - 9, 14, 4);
            g.setColor(Color.BLACK);
            g.drawString(s.name(), LEFT + pw - 170, legendY - 4);
            legendY += 18;
        }
        g.dispose();
        ImageIO.write(img, "png", file.toFile());
    }

    private static String format(double v) {
        if (Math.abs(v) >= 1000) {
            return String.format("%,.0f", v);
        }
        if (Math.abs(v) >= 10) {
            return String.format("%.0f", v);
        }
        return String.format("%.2f", v);
    }
}

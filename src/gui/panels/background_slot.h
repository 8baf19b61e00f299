#pragma once
// The fbc model's background image slot: shows a thumbnail, takes a photo dropped from the file
// manager or chosen with a click, and is cleared with the context menu / Delete key.
#include <QLabel>
#include <QString>

#include <opencv2/core.hpp>

namespace chiaro::gui {

class BackgroundSlot : public QLabel {
    Q_OBJECT
public:
    explicit BackgroundSlot(QWidget* parent = nullptr);

    // Loads an image file as the background. Returns false (and keeps the old one) when unreadable.
    bool setBackgroundFile(const QString& path);
    void clear();
    const cv::Mat& background() const { return m_background; }  // CV_8UC3 RGB, empty = none
    QString path() const { return m_path; }

Q_SIGNALS:
    void backgroundChanged(const QString& path);
    void loadFailed(const QString& message);

protected:
    void dragEnterEvent(QDragEnterEvent* event) override;
    void dropEvent(QDropEvent* event) override;
    void mousePressEvent(QMouseEvent* event) override;
    void keyPressEvent(QKeyEvent* event) override;

private:
    void showThumbnail();

    cv::Mat m_background;
    QString m_path;
};

}  // namespace chiaro::gui

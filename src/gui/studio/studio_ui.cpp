// Studio: building the docks, tabs and menus (the flow is in studio.cpp).
#include <QAction>
#include <QDockWidget>
#include <QLabel>
#include <QMainWindow>
#include <QMenu>
#include <QMenuBar>
#include <QProgressBar>
#include <QPushButton>
#include <QScrollArea>
#include <QSpinBox>
#include <QStatusBar>
#include <QTabWidget>
#include <QToolButton>
#include <QVBoxLayout>

#include "panels/light_panel.h"
#include "panels/prompt_panel.h"
#include "result/compare_view.h"
#include "result/history_strip.h"
#include "result/variants_sheet.h"
#include "studio/generate_controller.h"
#include "studio/studio.h"

namespace chiaro::gui {
namespace {

QDockWidget* addDock(QMainWindow* window, const QString& title, const QString& name, QWidget* content,
                     Qt::DockWidgetArea area) {
    auto* dock = new QDockWidget(title, window);
    dock->setObjectName(name);
    dock->setWidget(content);
    window->addDockWidget(area, dock);
    return dock;
}

// Panels taller than a 768-pixel screen scroll instead of squeezing their rows.
QScrollArea* scrolling(QWidget* content, QWidget* parent) {
    auto* area = new QScrollArea(parent);
    area->setWidget(content);
    area->setWidgetResizable(true);
    area->setFrameShape(QFrame::NoFrame);
    area->setHorizontalScrollBarPolicy(Qt::ScrollBarAlwaysOff);
    return area;
}

}  // namespace

void Studio::buildDocks() {
    m_light = new LightPanel;
    m_light->setMinimumWidth(250);
    addDock(m_window, tr("Light"), "lightDock", scrolling(m_light, m_window), Qt::LeftDockWidgetArea);

    auto* side = new QWidget;
    auto* layout = new QVBoxLayout(side);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(buildGenerateBox(side));
    m_prompt = new PromptPanel(side);
    layout->addWidget(m_prompt);
    side->setMinimumWidth(300);
    QDockWidget* generate = addDock(m_window, tr("Generate"), "generateDock", scrolling(side, m_window),
                                    Qt::RightDockWidgetArea);
    // The queue dock shares the right side: tab them so the prompt keeps its height.
    if (auto* queue = m_window->findChild<QDockWidget*>("queueDock")) {
        m_window->tabifyDockWidget(queue, generate);
        generate->raise();
    }

    // The side docks run the full height; the history strip sits under the canvas only.
    m_window->setCorner(Qt::BottomLeftCorner, Qt::LeftDockWidgetArea);
    m_window->setCorner(Qt::BottomRightCorner, Qt::RightDockWidgetArea);
    m_history = new HistoryStrip;
    addDock(m_window, tr("History"), "historyDock", m_history, Qt::BottomDockWidgetArea);

    m_progress = new QProgressBar(m_window);
    m_progress->setMaximumWidth(320);
    m_progress->setTextVisible(true);
    m_progress->setVisible(false);
    m_window->statusBar()->addPermanentWidget(m_progress);
}

QWidget* Studio::buildGenerateBox(QWidget* parent) {
    auto* box = new QWidget(parent);
    auto* layout = new QVBoxLayout(box);
    layout->setContentsMargins(4, 4, 4, 0);
    auto* buttons = new QHBoxLayout;
    m_generateButton = new QPushButton(tr("Generate"), box);
    m_generateButton->setToolTip(tr("Relight the photo with the models (Ctrl+Enter)"));
    m_generateButton->setDefault(true);
    m_generateButton->setMinimumHeight(34);
    // Click: cancel now. The arrow's menu also offers letting the running image finish (variants).
    m_cancelButton = new QToolButton(box);
    m_cancelButton->setText(tr("Cancel"));
    m_cancelButton->setToolTip(tr("Stop the running generation within one step (Esc); the arrow offers "
                                  "cancelling after the current image (Shift+Esc)"));
    m_cancelButton->setPopupMode(QToolButton::MenuButtonPopup);
    m_cancelButton->setToolButtonStyle(Qt::ToolButtonTextOnly);
    m_cancelButton->setSizePolicy(QSizePolicy::Preferred, QSizePolicy::Preferred);
    auto* cancelMenu = new QMenu(m_cancelButton);
    cancelMenu->addAction(tr("Cancel now"), this, [this] { cancel(core::CancelMode::Now); });
    cancelMenu->addAction(tr("Cancel after the current image"), this,
                          [this] { cancel(core::CancelMode::AfterCurrentImage); });
    m_cancelButton->setMenu(cancelMenu);
    m_cancelButton->setEnabled(false);
    auto* variants = new QPushButton(tr("Variants"), box);
    variants->setToolTip(tr("The same seed under 8 light directions, as a grid (Ctrl+Shift+G)"));
    buttons->addWidget(m_generateButton, 2);
    buttons->addWidget(m_cancelButton, 1);
    buttons->addWidget(variants, 1);
    layout->addLayout(buttons);
    m_notice = new QLabel(box);
    m_notice->setWordWrap(true);
    m_notice->setTextInteractionFlags(Qt::TextSelectableByMouse | Qt::LinksAccessibleByMouse);
    connect(m_notice, &QLabel::linkActivated, this, [this](const QString& link) {
        if (link == "chiaro:import") openImport();
    });
    m_notice->setStyleSheet("QLabel { background: #4a3b1c; color: #f3e3b5; padding: 6px; border-radius: 3px; }");
    m_notice->setVisible(false);
    layout->addWidget(m_notice);
    connect(m_generateButton, &QPushButton::clicked, this, &Studio::generate);
    connect(m_cancelButton, &QToolButton::clicked, this, [this] { cancel(core::CancelMode::Now); });
    connect(variants, &QPushButton::clicked, this, [this] { generateVariants(); });
    return box;
}

void Studio::buildTabs() {
    m_tabs = qobject_cast<QTabWidget*>(m_window->centralWidget());
    m_compare = new CompareView;
    m_variants = new VariantsSheet;
    auto* variantsArea = new QScrollArea;
    m_variantsTab = variantsArea;
    variantsArea->setWidget(m_variants);
    variantsArea->setWidgetResizable(true);
    if (m_tabs) {
        m_tabs->addTab(m_compare, tr("Result"));
        m_tabs->addTab(variantsArea, tr("Variants"));
    }
}

void Studio::buildMenus() {
    QMenuBar* bar = m_window->menuBar();
    QMenu* file = nullptr;
    for (QAction* action : bar->actions()) {
        if (action->menu() && action->text().remove('&') == "File") file = action->menu();
    }
    if (file) {
        QAction* first = file->actions().value(1);  // after Open…
        m_recentMenu = new QMenu(tr("Open &Recent"), file);
        file->insertMenu(first, m_recentMenu);
        QAction* paste = new QAction(tr("&Paste Image"), file);
        paste->setShortcut(QKeySequence::Paste);
        file->insertAction(first, paste);
        connect(paste, &QAction::triggered, this, &Studio::pasteImage);
        QAction* save = new QAction(tr("&Save Result As…"), file);
        save->setShortcuts({QKeySequence::Save, QKeySequence::SaveAs});
        file->insertAction(first, save);
        connect(save, &QAction::triggered, this, &Studio::saveWithDialog);
        rebuildRecentMenu();
    }
    QMenu* relight = bar->addMenu(tr("&Relight"));
    QAction* generate = relight->addAction(tr("&Generate"), this, &Studio::generate);
    generate->setShortcuts({QKeySequence(Qt::CTRL | Qt::Key_Return), QKeySequence(Qt::CTRL | Qt::Key_Enter)});
    QAction* cancel = relight->addAction(tr("&Cancel"), this, [this] { this->cancel(core::CancelMode::Now); });
    cancel->setShortcut(QKeySequence(Qt::Key_Escape));
    QAction* cancelAfter = relight->addAction(tr("Cancel &After Current Image"), this,
                                              [this] { this->cancel(core::CancelMode::AfterCurrentImage); });
    cancelAfter->setShortcut(QKeySequence(Qt::SHIFT | Qt::Key_Escape));
    QAction* variants = relight->addAction(tr("&Variants"), this, [this] { generateVariants(); });
    variants->setShortcut(QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_G));
    QAction* estimate = relight->addAction(tr("&Estimate Light from Photo"), this, &Studio::estimateLight);
    estimate->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_E));
    relight->addSeparator();
    relight->addAction(tr("&Import Models…"), this, &Studio::openImport);
    QAction* settings = relight->addAction(tr("&Settings…"), this, &Studio::openSettings);
    settings->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_Comma));
    settings->setMenuRole(QAction::PreferencesRole);
    connect(m_generator, &GenerateController::busyChanged, this, [this](bool busy) {
        m_cancelButton->setEnabled(busy);
    });
}

}  // namespace chiaro::gui
